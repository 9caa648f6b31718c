package dev.qnf.fabric.state;

import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The two-level IPAM of one address family: an address comes from a block with affinity to the node,
 * else from a newly claimed block, else (the pool being out of blocks) from any block with room.
 * Pure: it reads an image and says which block to claim, if any, and which address to use.
 */
final class AddressPicker {

    /** An address and, when it lives in a block not yet claimed, the block to claim for it. */
    record Pick(IpAddress address, Block newBlock) {
    }

    private final FabricImage image;
    private final Network network;
    private final int family;
    private final Cidr prefix;
    private final int blockPrefix;

    AddressPicker(FabricImage image, Network network, int family) {
        this.image = image;
        this.network = network;
        this.family = family;
        this.prefix = network.prefixFor(family);
        this.blockPrefix = network.blockPrefixFor(family);
    }

    Optional<Pick> pick(String node) {
        List<Block> mine = new ArrayList<>();
        List<Block> others = new ArrayList<>();
        for (Block b : image.blocks(network.name())) {
            if (b.cidr().family() == family) {
                (Objects.equals(b.node(), node) ? mine : others).add(b);
            }
        }
        for (Block b : mine) {
            Optional<IpAddress> free = firstFree(b.cidr());
            if (free.isPresent()) {
                return Optional.of(new Pick(free.get(), null));
            }
        }
        Optional<Pick> claimed = claimNewBlock(node);
        if (claimed.isPresent()) {
            return claimed;
        }
        // No unclaimed block left: borrow from another node's block rather than fail while addresses remain.
        for (Block b : others) {
            Optional<IpAddress> free = firstFree(b.cidr());
            if (free.isPresent()) {
                return Optional.of(new Pick(free.get(), null));
            }
        }
        return Optional.empty();
    }

    /** A specific address: valid, free, and in a block that is claimed or claimable. */
    Pick pickExact(IpAddress address, String node) {
        if (!prefix.contains(address)) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT, address + " is outside " + network.name() + "'s " + prefix);
        }
        if (network.isReserved(address)) {
            throw new Refusal(ErrorCode.INVALID_ARGUMENT,
                    address + " is reserved in " + network.name() + " (network, broadcast or gateway)");
        }
        image.holder(network.name(), address).ifPresent(holder -> {
            throw new Refusal(ErrorCode.ALREADY_EXISTS, address + " is already held by endpoint " + holder);
        });
        Cidr blockCidr = Cidr.containing(address, blockPrefix);
        boolean claimed = image.block(network.name(), blockCidr).isPresent();
        return new Pick(address, claimed ? null : new Block(network.name(), blockCidr, node));
    }

    /**
     * The lowest block not yet claimed. Claimed blocks are visited in address order, so this is linear in the
     * number of claimed blocks, never in the (for IPv6, astronomically large) number of possible blocks.
     */
    private Optional<Pick> claimNewBlock(String node) {
        BigInteger candidate = BigInteger.ZERO;
        int shift = prefix.base().bits() - blockPrefix;
        for (Block b : image.blocks(network.name())) {
            if (b.cidr().family() != family) {
                continue;
            }
            BigInteger index = b.cidr().base().value().subtract(prefix.base().value()).shiftRight(shift);
            Optional<Pick> p = firstUsableBetween(candidate, index, node);
            if (p.isPresent()) {
                return p;
            }
            candidate = index.add(BigInteger.ONE);
        }
        return firstUsableBetween(candidate, network.blockCount(family), node);
    }

    /**
     * The first claimable block with index in [from, to). At most three addresses are reserved, so only blocks of
     * one or two addresses can be unusable and a few tries always suffice.
     */
    private Optional<Pick> firstUsableBetween(BigInteger from, BigInteger to, String node) {
        BigInteger i = from;
        for (int tries = 0; tries < 4 && i.compareTo(to) < 0; tries++, i = i.add(BigInteger.ONE)) {
            Optional<Pick> p = claimIfUsable(i, node);
            if (p.isPresent()) {
                return p;
            }
        }
        return Optional.empty();
    }

    private Optional<Pick> claimIfUsable(BigInteger index, String node) {
        Cidr cidr = prefix.subnet(blockPrefix, index);
        if (image.block(network.name(), cidr).isPresent()) {
            return Optional.empty();
        }
        return firstFree(cidr).map(a -> new Pick(a, new Block(network.name(), cidr, node)));
    }

    private Optional<IpAddress> firstFree(Cidr block) {
        long size = block.size().longValueExact();
        for (long i = 0; i < size; i++) {
            IpAddress a = block.address(i);
            if (!network.isReserved(a) && image.holder(network.name(), a).isEmpty()) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** A refusal raised deep in the picker and turned into a {@link Reply.Rejected} by {@link FabricMachine}. */
    static final class Refusal extends RuntimeException {
        final ErrorCode code;

        Refusal(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
