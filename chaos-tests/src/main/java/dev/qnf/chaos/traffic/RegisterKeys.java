package dev.qnf.chaos.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The networks used as per-key registers (create at a version, delete, read). A few keys are active at a time and
 * each takes a bounded number of operations before a fresh key replaces it, so every key's history stays small
 * enough for an exhaustive linearizability search. Each key has its own /24 in 10.64.0.0/10.
 */
public final class RegisterKeys {
    private final int active;
    private final int budget;
    private final List<String> live = new ArrayList<>();
    private final List<Integer> left = new ArrayList<>();
    private final List<String> all = new ArrayList<>();
    private int next;

    public RegisterKeys(int active, int budget) {
        this.active = active;
        this.budget = budget;
    }

    /** A key to operate on; retires keys whose budget is spent. */
    public synchronized String pick(Random random) {
        while (live.size() < active) {
            String key = name(next++);
            live.add(key);
            left.add(budget);
            all.add(key);
        }
        int i = random.nextInt(live.size());
        String key = live.get(i);
        int remaining = left.get(i) - 1;
        if (remaining <= 0) {
            live.remove(i);
            left.remove(i);
        } else {
            left.set(i, remaining);
        }
        return key;
    }

    /** Every key ever handed out. */
    public synchronized List<String> all() {
        return List.copyOf(all);
    }

    public static String name(int index) {
        return "reg-" + index;
    }

    /** The key's own /24: reg-N gets 10.(64 + N/256).(N%256).0/24. */
    public static String cidr(String key) {
        int n = Integer.parseInt(key.substring("reg-".length()));
        if (n >= 64 * 256) {
            throw new IllegalStateException("out of register subnets");
        }
        return "10." + (64 + n / 256) + "." + (n % 256) + ".0/24";
    }
}
