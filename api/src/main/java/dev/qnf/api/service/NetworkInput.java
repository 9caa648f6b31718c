package dev.qnf.api.service;

import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.model.Network;

import java.util.Map;

/** A network as a client asks for it; nulls take defaults. */
public record NetworkInput(String name, String cidr, String cidr6, String gateway, String gateway6, Integer mtu,
                           Boolean nat, Integer blockPrefix, Integer blockPrefix6, Boolean allowOverlap,
                           Map<String, String> labels) {

    /** Validates everything that needs no state; throws {@code InvalidInputException}. */
    CreateNetwork toCommand() {
        return new CreateNetwork(Network.spec(name, cidr, cidr6, gateway, gateway6, mtu, nat, blockPrefix,
                blockPrefix6, allowOverlap, labels));
    }
}
