package dev.qnf.agent.nft;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Splits overlapping boxes (a range per dimension: address, protocol, port) into disjoint ones. nftables' interval
 * maps over concatenations (the pipapo set) refuse overlapping elements, while policies overlap all the time
 * ("tcp 80-90" and "tcp 85-95", "10.0.0.0/8" and "10.1.0.0/16"). Where boxes overlap, the one with the lowest
 * {@code owner} (the first rule) gets the piece; within one map every owner has the same verdict, so only which
 * policy's counter counts the flow depends on it. Pieces that are adjacent and equal in the other dimensions are
 * merged again, so a single rule comes out as it went in.
 */
final class Boxes {
    private Boxes() {
    }

    /** Inclusive ranges, one per dimension, and the rule it comes from. */
    record Box(List<BigInteger> lo, List<BigInteger> hi, int owner) {
        Box {
            lo = List.copyOf(lo);
            hi = List.copyOf(hi);
        }

        static Box of(int owner, long... bounds) {
            List<BigInteger> lo = new ArrayList<>();
            List<BigInteger> hi = new ArrayList<>();
            for (int i = 0; i < bounds.length; i += 2) {
                lo.add(BigInteger.valueOf(bounds[i]));
                hi.add(BigInteger.valueOf(bounds[i + 1]));
            }
            return new Box(lo, hi, owner);
        }

        int dims() {
            return lo.size();
        }
    }

    static List<Box> disjoint(List<Box> boxes) {
        if (boxes.isEmpty()) {
            return List.of();
        }
        if (boxes.size() == 1) {
            return boxes;
        }
        return split(boxes, 0, boxes.get(0).dims());
    }

    private static List<Box> split(List<Box> boxes, int dim, int dims) {
        if (dim == dims) {
            int owner = boxes.stream().mapToInt(Box::owner).min().orElseThrow();
            return List.of(new Box(List.of(), List.of(), owner));
        }
        TreeSet<BigInteger> cuts = new TreeSet<>();
        for (Box b : boxes) {
            cuts.add(b.lo().get(dim));
            cuts.add(b.hi().get(dim).add(BigInteger.ONE));
        }
        List<BigInteger> points = new ArrayList<>(cuts);
        List<Box> out = new ArrayList<>();
        BigInteger runLo = null;
        BigInteger runHi = null;
        List<Box> runSub = null;
        for (int i = 0; i + 1 < points.size(); i++) {
            BigInteger lo = points.get(i);
            BigInteger hi = points.get(i + 1).subtract(BigInteger.ONE);
            List<Box> covering = boxes.stream()
                    .filter(b -> b.lo().get(dim).compareTo(lo) <= 0 && b.hi().get(dim).compareTo(hi) >= 0).toList();
            List<Box> sub = covering.isEmpty() ? null : split(covering, dim + 1, dims);
            if (sub != null && sub.equals(runSub) && runHi.add(BigInteger.ONE).equals(lo)) {
                runHi = hi;
                continue;
            }
            emit(out, runLo, runHi, runSub);
            runLo = lo;
            runHi = hi;
            runSub = sub;
        }
        emit(out, runLo, runHi, runSub);
        return out;
    }

    private static void emit(List<Box> out, BigInteger lo, BigInteger hi, List<Box> sub) {
        if (sub == null) {
            return;
        }
        for (Box s : sub) {
            List<BigInteger> l = new ArrayList<>();
            List<BigInteger> h = new ArrayList<>();
            l.add(lo);
            h.add(hi);
            l.addAll(s.lo());
            h.addAll(s.hi());
            out.add(new Box(l, h, s.owner()));
        }
    }
}
