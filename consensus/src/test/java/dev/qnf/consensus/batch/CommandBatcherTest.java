package dev.qnf.consensus.batch;

import dev.qnf.consensus.error.ReplicaUnavailableException;
import dev.qnf.consensus.apply.Slot;
import dev.qnf.consensus.codec.FabricCodec;
import dev.qnf.fabric.command.Release;
import dev.qnf.fabric.state.Reply;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandBatcherTest {
    private final FabricCodec codec = new FabricCodec();
    private final ExecutorService completions = Executors.newSingleThreadExecutor();

    /**
     * Answers every command with a rejection naming it, once {@code held} is open and after a delay, and records
     * batch sizes.
     */
    private final class SlowEcho implements CommandBatcher.Transport {
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        private final ExecutorService pool = Executors.newCachedThreadPool();
        private final CountDownLatch held;

        SlowEcho(CountDownLatch held) {
            this.held = held;
        }

        @Override
        public CompletableFuture<CommandBatcher.Sent> send(byte[] batch) {
            List<Slot> slots = codec.decodeSlots(batch);
            sizes.add(slots.size());
            long revision = sizes.size();
            return CompletableFuture.supplyAsync(() -> {
                awaitOpen(held);
                sleep(20);
                List<Reply> replies = new ArrayList<>();
                for (Slot s : slots) {
                    Release r = (Release) ((Slot.Proposed) s).command();
                    replies.add(new Reply.Rejected(dev.qnf.fabric.state.ErrorCode.NOT_FOUND, r.endpoint()));
                }
                return new CommandBatcher.Sent(replies, revision);
            }, pool);
        }
    }

    private static void awaitOpen(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void concurrentSubmittersShareBatchesAndEachGetsItsOwnReply() throws Exception {
        int n = 400;
        // The first batches are answered only once every caller has submitted: the rest queue up behind the full
        // pipeline, as behind a slow Raft round. Without the hold, callers slowed down by a loaded machine could
        // trickle in one batch at a time and the count of batches would measure the machine, not the batcher.
        CountDownLatch submitted = new CountDownLatch(n);
        SlowEcho transport = new SlowEcho(submitted);
        try (CommandBatcher batcher = new CommandBatcher("t", codec, transport,
                new CommandBatcher.Limits(64, 1 << 20, 2), completions)) {
            ExecutorService callers = Executors.newFixedThreadPool(32);
            List<CompletableFuture<CommandBatcher.Answer>> replies = new CopyOnWriteArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "e" + i;
                callers.execute(() -> {
                    replies.add(batcher.submit(new Release("net", id)).thenApply(a -> {
                        assertThat(((Reply.Rejected) a.reply()).message()).isEqualTo(id);
                        assertThat(a.revision()).isPositive();
                        return a;
                    }));
                    submitted.countDown();
                });
            }
            assertThat(submitted.await(30, TimeUnit.SECONDS)).as("all %d submitted", n).isTrue();
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            callers.shutdown();

            assertThat(batcher.commandsSent()).isEqualTo(n);
            assertThat(batcher.batchesSent()).isLessThan(n / 4);
            assertThat(transport.sizes).allMatch(s -> s <= 64);
        }
    }

    @Test
    void aFailedBatchFailsEveryCallerInIt() {
        CommandBatcher.Transport failing = batch -> CompletableFuture.failedFuture(
                new ReplicaUnavailableException("no leader"));
        try (CommandBatcher batcher = new CommandBatcher("t", codec, failing, CommandBatcher.Limits.DEFAULT,
                completions)) {
            CompletableFuture<CommandBatcher.Answer> r = batcher.submit(new Release("net", "a"));
            assertThatThrownBy(() -> r.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ReplicaUnavailableException.class)
                    .hasMessageContaining("no leader");
        }
    }

    @Test
    void aShortReplyIsAnUnknownOutcomeNotAShiftedAnswer() {
        CommandBatcher.Transport shortReply = batch -> CompletableFuture.completedFuture(
                new CommandBatcher.Sent(List.of(), 1));
        try (CommandBatcher batcher = new CommandBatcher("t", codec, shortReply, CommandBatcher.Limits.DEFAULT,
                completions)) {
            assertThatThrownBy(() -> batcher.submit(new Release("net", "a")).get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ReplicaUnavailableException.class).hasMessageContaining("outcome unknown");
        }
    }

    @Test
    void closingFailsWhatIsQueuedAndRefusesMore() {
        CompletableFuture<CommandBatcher.Sent> never = new CompletableFuture<>();
        CommandBatcher batcher = new CommandBatcher("t", codec, batch -> never,
                new CommandBatcher.Limits(1, 1 << 20, 1), completions);
        batcher.submit(new Release("net", "in-flight"));
        CompletableFuture<CommandBatcher.Answer> queued = batcher.submit(new Release("net", "queued"));
        batcher.close();
        assertThatThrownBy(() -> queued.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ReplicaUnavailableException.class);
        assertThatThrownBy(() -> batcher.submit(new Release("net", "late")).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ReplicaUnavailableException.class);
    }
}
