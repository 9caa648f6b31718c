package dev.qnf.fabric.model;

import dev.qnf.fabric.InvalidInputException;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a runtime plugged an endpoint in: the container, its interface name, its MAC and its labels. Sent with the
 * allocation so that a container start costs one replicated write.
 */
public record Attachment(String containerId, String ifName, String mac, Map<String, String> labels) {
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    /** Linux interface names: at most 15 bytes, no '/', no whitespace. */
    private static final Pattern IF_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    public Attachment {
        if (containerId != null && !CONTAINER_ID.matcher(containerId).matches()) {
            throw new InvalidInputException("container id '" + containerId + "' is invalid");
        }
        if (ifName != null && !IF_NAME.matcher(ifName).matches()) {
            throw new InvalidInputException("interface name '" + ifName + "' is invalid: 1-15 letters, digits, '_', '.', '-'");
        }
        if (mac != null) {
            mac = mac.toLowerCase(java.util.Locale.ROOT);
            if (!MAC.matcher(mac).matches() || (Integer.parseInt(mac.substring(0, 2), 16) & 1) == 1) {
                throw new InvalidInputException("MAC '" + mac + "' is not a unicast MAC address like 0a:58:0a:00:00:02");
            }
        }
        labels = Names.labels(labels);
    }
}
