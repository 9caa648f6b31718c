package dev.qnf.consensus.statemachine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** Futures that complete once the local replica has applied a given log index. */
final class AppliedWaiters {
    private final NavigableMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>(); // guarded by this
    private volatile long applied = -1;

    CompletableFuture<Void> await(long index) {
        if (applied >= index) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (this) {
            if (applied >= index) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiting.computeIfAbsent(index, i -> new ArrayList<>()).add(f);
            return f;
        }
    }

    /** Called from the apply thread; the applied index only moves forward. */
    void advance(long index) {
        if (index <= applied) {
            return;
        }
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (this) {
            applied = index;
            Map<Long, List<CompletableFuture<Void>>> head = waiting.headMap(index, true);
            head.values().forEach(ready::addAll);
            head.clear();
        }
        ready.forEach(f -> f.complete(null));
    }
}
