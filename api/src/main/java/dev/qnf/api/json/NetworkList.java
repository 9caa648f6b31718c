package dev.qnf.api.json;

import java.util.List;

public record NetworkList(List<NetworkView> networks, long revision) {
}
