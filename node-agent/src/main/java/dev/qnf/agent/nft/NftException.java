package dev.qnf.agent.nft;

/**
 * libnftables refused a script. Nothing of the script was applied: a script is one transaction. Carries
 * libnftables' own error text (which names the failing command and the kernel's reason) and the whole script.
 */
public class NftException extends RuntimeException {
    private static final int SHOWN_SCRIPT_CHARS = 4000;

    private final String errors;
    private final String script;

    public NftException(String errors, String script) {
        super(message(errors, script));
        this.errors = errors;
        this.script = script;
    }

    private static String message(String errors, String script) {
        String shown = script.length() > SHOWN_SCRIPT_CHARS
                ? script.substring(0, SHOWN_SCRIPT_CHARS) + "\n... (" + script.length() + " characters in all)"
                : script;
        return "nft: " + (errors.isBlank() ? "failed without a message" : errors.strip()) + "\nscript:\n" + shown;
    }

    /** libnftables' error buffer: "Error: Could not process rule: No such file or directory" and the line. */
    public String errors() {
        return errors;
    }

    public String script() {
        return script;
    }
}
