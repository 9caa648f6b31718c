package dev.qnf.agent.cni;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.agent.reconcile.HostNames;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One CNI call as the plugin binary forwards it ({@code {"command","containerId","netns","ifName","args","path",
 * "stdin"}}), parsed and validated once: after {@link #parse} every verb can trust its fields. Validation order
 * follows what a runtime can fix: undecodable input (6), an unsupported version (1), missing or malformed
 * environment (4), a bad configuration (7, 2).
 */
public record CniRequest(Verb verb, String containerId, String netns, String ifName, CniArgs args, String path,
                         NetConf config) {
    public enum Verb { ADD, DEL, CHECK, STATUS, GC, VERSION }

    /** The spec's container id rule. */
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern IF_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final int MAX_ENDPOINT_ID = 128;

    public static CniRequest parse(byte[] wire) {
        JsonNode env = JsonFields.parse(new String(wire, StandardCharsets.UTF_8), "the request from the plugin");
        String command = JsonFields.text(env, "command");
        Verb verb;
        try {
            verb = Verb.valueOf(command == null ? "" : command.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CniError.env("CNI_COMMAND '" + command + "' is not a CNI command");
        }
        NetConf config = NetConf.parse(JsonFields.text(env, "stdin"));
        CniRequest r = new CniRequest(verb, blankToNull(JsonFields.text(env, "containerId")),
                blankToNull(JsonFields.text(env, "netns")), blankToNull(JsonFields.text(env, "ifName")),
                CniArgs.parse(JsonFields.text(env, "args")), JsonFields.text(env, "path"), config);
        r.validate();
        return r;
    }

    private void validate() {
        switch (verb) {
            case ADD, CHECK -> {
                requireContainer();
                require(netns, "CNI_NETNS");
            }
            case DEL -> requireContainer();
            case STATUS, GC -> {
                if (!CniVersions.atLeast(config.cniVersion(), "1.1.0")) {
                    throw new CniError(CniError.INCOMPATIBLE_VERSION, verb + " needs CNI version 1.1.0, not "
                            + config.cniVersion());
                }
                if (verb == Verb.GC && config.validAttachments() == null) {
                    throw CniError.config("GC needs cni.dev/valid-attachments");
                }
            }
            case VERSION -> {
            }
        }
        if (verb == Verb.CHECK && !CniVersions.atLeast(config.cniVersion(), "0.4.0")) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "CHECK needs CNI version 0.4.0 or later");
        }
    }

    private void requireContainer() {
        require(containerId, "CNI_CONTAINERID");
        if (!CONTAINER_ID.matcher(containerId).matches()) {
            throw CniError.env("CNI_CONTAINERID '" + containerId + "' is invalid");
        }
        require(ifName, "CNI_IFNAME");
        if (!IF_NAME.matcher(ifName).matches() || ifName.equals(".") || ifName.equals("..")) {
            throw CniError.env("CNI_IFNAME '" + ifName + "' is not a valid interface name");
        }
    }

    private static void require(String value, String name) {
        if (value == null) {
            throw CniError.env(name + " is required");
        }
    }

    /**
     * The endpoint id of this attachment in the control plane: {@code <containerId>:<ifName>} (':' appears in
     * neither), with a long container id shortened to a hash so the id stays within 128 characters. The same
     * container and interface always give the same id, which makes ADD retries and DEL without a record work.
     */
    public String endpointId() {
        String id = containerId + ":" + ifName;
        if (id.length() <= MAX_ENDPOINT_ID) {
            return id;
        }
        return "h" + HostNames.digest(containerId, 40) + ":" + ifName;
    }

    public String network() {
        return config.network();
    }

    /** The version to answer in. */
    public String cniVersion() {
        return config.cniVersion();
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
