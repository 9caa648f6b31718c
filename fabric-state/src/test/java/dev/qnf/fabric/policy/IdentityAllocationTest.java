package dev.qnf.fabric.policy;

import dev.qnf.fabric.command.DeleteNetwork;
import dev.qnf.fabric.command.LabelEndpoint;
import dev.qnf.fabric.command.Release;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.ResourceKey;
import dev.qnf.fabric.state.Decision;
import dev.qnf.fabric.state.ErrorCode;
import dev.qnf.fabric.state.FabricMachine;
import dev.qnf.fabric.state.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityAllocationTest {
    final PolicyWorld w = new PolicyWorld().network("prod", "10.1.0.0/24", Verdict.DENY)
            .network("lab", "10.2.0.0/24", Verdict.ALLOW);

    @Test
    void equalLabelSetsInOneNetworkShareOneIdentityAndPerInstanceLabelsDoNotCount() {
        w.endpoint("prod", "w1", "shop", "app=web,name=w1,alias.qnf.dev/www=true")
                .endpoint("prod", "w2", "shop", "app=web,name=w2")
                .endpoint("prod", "a1", "shop", "app=api")
                .endpoint("lab", "w3", "shop", "app=web");
        Identity w1 = w.image.identityOf(w.image.endpoint("prod", "w1").orElseThrow()).orElseThrow();
        Identity w2 = w.image.identityOf(w.image.endpoint("prod", "w2").orElseThrow()).orElseThrow();
        Identity a1 = w.image.identityOf(w.image.endpoint("prod", "a1").orElseThrow()).orElseThrow();
        Identity w3 = w.image.identityOf(w.image.endpoint("lab", "w3").orElseThrow()).orElseThrow();
        assertThat(w1).isEqualTo(w2);
        assertThat(w1.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "web", Labels.NAMESPACE, "shop"));
        assertThat(List.of(w1.id(), a1.id(), w3.id())).doesNotHaveDuplicates()
                .allMatch(id -> id >= Identity.FIRST_ALLOCATED);
        assertThat(w1.id()).isEqualTo(Identity.FIRST_ALLOCATED);
        assertThat(w.image.identities()).hasSize(3);
        assertThat(w.image.identityUsers("prod", w1.labels())).isEqualTo(2);
    }

    @Test
    void anEndpointWithoutANamespaceIsInDefault() {
        w.endpoint("prod", "e", null, "app=x");
        Identity id = w.image.identityOf(w.image.endpoint("prod", "e").orElseThrow()).orElseThrow();
        assertThat(id.labels()).containsEntry(Labels.NAMESPACE, Labels.DEFAULT_NAMESPACE);
    }

    @Test
    void theIdentityGoesWithItsLastEndpointInTheSameWrite() {
        w.endpoint("prod", "w1", "shop", "app=web").endpoint("prod", "w2", "shop", "app=web");
        long id = w.image.highestIdentity();
        w.ok(new Release("prod", "w1"));
        assertThat(w.image.identity(id)).isPresent();
        Decision last = FabricMachine.decide(w.image, new Release("prod", "w2"));
        assertThat(last.changes()).extracting(c -> c.key()).containsExactly(
                ResourceKey.parse("endpoint/prod/w2"), Identity.keyOf(id));
        w.ok(new Release("prod", "w2"));
        assertThat(w.image.identities()).isEmpty();
        w.ok(new DeleteNetwork("prod"));
    }

    @Test
    void labellingMovesAnEndpointToAnotherIdentity() {
        w.endpoint("prod", "w1", "shop", "app=web").endpoint("prod", "w2", "shop", "app=web");
        long web = w.image.highestIdentity();
        Reply r = w.ok(new LabelEndpoint("prod", "w1", Map.of("tier", "front"), List.of()));
        Identity moved = w.image.identityOf(w.image.endpoint("prod", "w1").orElseThrow()).orElseThrow();
        assertThat(moved.id()).isEqualTo(web + 1);
        assertThat(moved.labels()).containsEntry("tier", "front");
        assertThat(w.image.identity(web)).isPresent();

        w.ok(new LabelEndpoint("prod", "w2", Map.of("tier", "front"), List.of()));
        assertThat(w.image.identity(web)).as("the old identity lost its last endpoint").isEmpty();
        assertThat(w.image.identityOf(w.image.endpoint("prod", "w2").orElseThrow())).contains(moved);

        w.ok(new LabelEndpoint("prod", "w2", Map.of(), List.of("tier")));
        assertThat(w.image.endpoint("prod", "w2").orElseThrow().labels()).doesNotContainKey("tier");
        assertThat(((Reply.Ok) r).resource()).isNotNull();
    }

    @Test
    void labellingAnUnknownEndpointIsNotFoundAndAnUnchangedOneWritesNothing() {
        Reply r = w.run(new LabelEndpoint("prod", "ghost", Map.of("a", "b"), List.of()));
        assertThat(((Reply.Rejected) r).code()).isEqualTo(ErrorCode.NOT_FOUND);
        w.endpoint("prod", "w1", "shop", "app=web");
        Decision same = FabricMachine.decide(w.image, new LabelEndpoint("prod", "w1", Map.of("app", "web"), List.of()));
        assertThat(same.changes()).isEmpty();
    }

    @Test
    void numbersDependOnlyOnTheSequenceOfCommands() {
        PolicyWorld other = new PolicyWorld().network("prod", "10.1.0.0/24", Verdict.DENY)
                .network("lab", "10.2.0.0/24", Verdict.ALLOW);
        for (PolicyWorld x : List.of(w, other)) {
            x.endpoint("prod", "a", "shop", "app=a").endpoint("prod", "b", "shop", "app=b")
                    .endpoint("lab", "c", null, "app=a");
            x.ok(new Release("prod", "b"));
            x.endpoint("prod", "d", "shop", "app=d");
        }
        assertThat(other.image.identities()).containsExactlyElementsOf(w.image.identities());
    }
}
