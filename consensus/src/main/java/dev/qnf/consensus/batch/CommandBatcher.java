package dev.qnf.consensus.batch;

import dev.qnf.concurrent.DaemonThreads;
import dev.qnf.consensus.error.ReplicaUnavailableException;
import dev.qnf.consensus.apply.Slot;
import dev.qnf.consensus.codec.CodecException;
import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.state.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit. Callers queue commands; one sender thread drains the queue into a batch, sends it as one Raft
 * entry and hands each caller the reply at its position. While all in-flight slots are busy the queue keeps
 * filling, so batches grow with load and the log advances by far fewer entries than there are commands.
 */
public final class CommandBatcher implements AutoCloseable {

    /** Sends one encoded batch; completes with one reply per command, in order. */
    @FunctionalInterface
    public interface Transport {
        CompletableFuture<Sent> send(byte[] batch);
    }

    /** The replies to a batch and the revision of the state that produced them. */
    public record Sent(List<Reply> replies, long revision) {
        public Sent {
            replies = List.copyOf(replies);
        }
    }

    /** One caller's share of a batch. */
    public record Answer(Reply reply, long revision) {
    }

    /** Bounds on one batch and on how many batches may await their replies at once. */
    public record Limits(int maxCommands, int maxBytes, int maxInFlight) {
        public static final Limits DEFAULT = new Limits(512, 1 << 20, 4);

        public Limits {
            if (maxCommands < 1 || maxBytes < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("batch limits must be positive: " + this);
            }
        }
    }

    private record Pending(byte[] slot, CompletableFuture<Answer> reply) {
    }

    private final FabricCodec codec;
    private final Transport transport;
    private final Limits limits;
    private final Executor completions;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Semaphore inFlight;
    private final Thread sender;
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong commandsSent = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param completions completes callers' futures, so their continuations never run on (and stall) the
     *                    transport's threads
     */
    public CommandBatcher(String name, FabricCodec codec, Transport transport, Limits limits, Executor completions) {
        this.codec = codec;
        this.transport = transport;
        this.limits = limits;
        this.completions = completions;
        this.inFlight = new Semaphore(limits.maxInFlight());
        this.sender = DaemonThreads.start(name, this::run);
    }

    public CompletableFuture<Answer> submit(Command command) {
        CompletableFuture<Answer> reply = new CompletableFuture<>();
        if (closed) {
            reply.completeExceptionally(new ReplicaUnavailableException("replica is closed"));
            return reply;
        }
        // Encoded by the caller's thread: callers encode in parallel, the sender only joins bytes.
        byte[] slot;
        try {
            slot = codec.encodeSlot(new Slot.Proposed(command));
        } catch (CodecException e) {
            reply.completeExceptionally(e);
            return reply;
        }
        queue.add(new Pending(slot, reply));
        if (closed) {
            failQueued(); // lost a race with close(): nothing will take it
        }
        return reply;
    }

    public long batchesSent() {
        return batchesSent.get();
    }

    public long commandsSent() {
        return commandsSent.get();
    }

    private void run() {
        Pending first = null;
        try {
            while (!closed) {
                first = queue.take();
                // Waiting for a slot before draining lets the batch grow while the pipeline is full.
                inFlight.acquire();
                List<Pending> batch = drainAfter(first);
                first = null;
                send(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (first != null) {
                first.reply().completeExceptionally(new ReplicaUnavailableException("replica is closed"));
            }
            failQueued();
        }
    }

    private List<Pending> drainAfter(Pending first) {
        List<Pending> batch = new ArrayList<>();
        batch.add(first);
        int bytes = first.slot().length + 2;
        while (batch.size() < limits.maxCommands()) {
            Pending p = queue.peek();
            if (p == null || bytes + p.slot().length + 1 > limits.maxBytes()) {
                break;
            }
            batch.add(queue.poll()); // the only consumer, so poll returns what peek saw
            bytes += p.slot().length + 1;
        }
        return batch;
    }

    private void send(List<Pending> batch) {
        batchesSent.incrementAndGet();
        commandsSent.addAndGet(batch.size());
        List<byte[]> slots = new ArrayList<>(batch.size());
        batch.forEach(p -> slots.add(p.slot()));
        CompletableFuture<Sent> sent;
        try {
            sent = transport.send(FabricCodec.joinSlots(slots));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((result, failure) -> {
            inFlight.release();
            completions.execute(() -> complete(batch, result, failure));
        });
    }

    private static void complete(List<Pending> batch, Sent result, Throwable failure) {
        if (failure instanceof CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure == null && result.replies().size() != batch.size()) {
            failure = new ReplicaUnavailableException("outcome unknown: got " + result.replies().size()
                    + " replies for a batch of " + batch.size());
        }
        for (int i = 0; i < batch.size(); i++) {
            if (failure != null) {
                batch.get(i).reply().completeExceptionally(failure);
            } else {
                batch.get(i).reply().complete(new Answer(result.replies().get(i), result.revision()));
            }
        }
    }

    private void failQueued() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        ReplicaUnavailableException closedError = new ReplicaUnavailableException("replica is closed");
        left.forEach(p -> p.reply().completeExceptionally(closedError));
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        try {
            sender.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued();
    }
}
