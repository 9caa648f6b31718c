package dev.qnf.consensus.codec;

import dev.qnf.consensus.apply.Slot;
import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.command.AnnounceMember;
import dev.qnf.fabric.command.ApplyPolicies;
import dev.qnf.fabric.command.Attributed;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.RevokeNode;
import dev.qnf.fabric.command.RevokeUser;
import dev.qnf.fabric.command.UnrevokeNode;
import dev.qnf.fabric.command.UnrevokeUser;
import dev.qnf.fabric.command.RetireOldCa;
import dev.qnf.fabric.command.RotateCa;
import dev.qnf.fabric.model.CaRotation;
import dev.qnf.fabric.command.PruneExpiredToken;
import dev.qnf.fabric.model.AuditEntry;
import dev.qnf.fabric.model.Revocation;
import dev.qnf.fabric.model.UserRevocation;
import dev.qnf.fabric.model.SiteBinding;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.command.CreateToken;
import dev.qnf.fabric.command.DeleteToken;
import dev.qnf.fabric.command.RedeemToken;
import dev.qnf.fabric.command.DeleteNetwork;
import dev.qnf.fabric.command.DeletePolicy;
import dev.qnf.fabric.command.LabelEndpoint;
import dev.qnf.fabric.command.RegisterNode;
import dev.qnf.fabric.command.Release;
import dev.qnf.fabric.command.RemoveMember;
import dev.qnf.fabric.command.RemoveNode;
import dev.qnf.fabric.model.Block;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Identity;
import dev.qnf.fabric.model.JoinRole;
import dev.qnf.fabric.model.JoinToken;
import dev.qnf.fabric.model.Member;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Node;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.policy.Direction;
import dev.qnf.fabric.policy.Entity;
import dev.qnf.fabric.policy.Peer;
import dev.qnf.fabric.policy.PolicyTest;
import dev.qnf.fabric.policy.PortRange;
import dev.qnf.fabric.policy.Protocol;
import dev.qnf.fabric.policy.Requirement;
import dev.qnf.fabric.policy.Rule;
import dev.qnf.fabric.policy.Selector;
import dev.qnf.fabric.policy.Verdict;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.ErrorCode;
import dev.qnf.fabric.state.Reply;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FabricCodecTest {
    private final FabricCodec codec = new FabricCodec();

    static final Network DUAL = Network.spec("blue", "10.1.0.0/16", "fd00:1::/64", null, null, 9000, true, 24, 120,
            false, Map.of("team", "net", "qnf.dev/tier", "gold"));
    static final Network PLAIN = Network.spec("red", "192.168.5.0/24", null, null, null, null, null, null, null, null,
            null);
    static final Endpoint ENDPOINT = new Endpoint("blue", "c0ffee:1", "node-a.example", IpAddress.parse("10.1.0.7"),
            IpAddress.parse("fd00:1::7"), "container-1", "eth0", "02:42:ac:11:00:02", Map.of("app", "web"));
    static final Endpoint BARE = new Endpoint("red", "e1", null, IpAddress.parse("192.168.5.9"), null, null, null,
            null, Map.of());
    static final Node NODE = new Node("node-a.example", "rack-1", List.of("192.0.2.1", "2001:db8::1"), "pubkey==",
            1_700_000_000_000L);
    static final Block BLOCK = new Block("blue", Cidr.parse("10.1.3.0/24"), "node-a.example");
    static final Block POOL = new Block("blue", Cidr.parse("fd00:1::100/120"), null);
    static final Member MEMBER = new Member("s1", "https://10.0.0.1:8443", "10.0.0.1:9870");

    static final Policy POLICY = new Policy("shop", "api-in", Selector.parse("app=api,tier!=db,!legacy"),
            List.of("blue"), Set.of(Direction.INGRESS, Direction.EGRESS), List.of(
                    Rule.allow(List.of(Peer.endpoints(Selector.parse("app=web"), Selector.ALL),
                            Peer.cidr(Cidr.parse("0.0.0.0/0"), List.of(Cidr.parse("10.0.0.0/8"))),
                            Peer.entity(Entity.HOST), Peer.networks(List.of("red"))),
                            List.of(new PortRange(Protocol.TCP, 8000, 8080), PortRange.all(Protocol.ICMP))),
                    Rule.deny(null, null)),
            List.of(Rule.allow(List.of(Peer.endpoints(new Selector(Map.of(), List.of(new Requirement("env",
                    Requirement.Operator.IN, List.of("a", "b")))))), List.of(PortRange.all(Protocol.ANY)))));
    static final Identity IDENTITY = new Identity(256, "blue", Map.of("app", "web", "k8s.qnf.dev/namespace", "shop"));
    static final PolicyDefault DEFAULT = new PolicyDefault("blue", Verdict.ALLOW);

    static final JoinToken TOKEN = new JoinToken("abc123", JoinToken.hashOf("0123456789abcdef"), JoinRole.NODE,
            "rack-1", 1_700_000_000_000L, 2, List.of("node-a.example"));
    static final JoinToken FRESH_TOKEN = new JoinToken("def456", JoinToken.hashOf("s"), JoinRole.SERVER, null,
            1_700_000_000_000L, 1, null);

    static final CaRotation CA_ROTATION = new CaRotation("-----BEGIN CERTIFICATE-----\nB\n", "-----BEGIN CERTIFICATE-----\nX\n",
            "-----BEGIN CERTIFICATE-----\nA\n", "qnf-ca-rotation-v1.s.n.c", "sha256:" + "b".repeat(64),
            "sha256:" + "a".repeat(64), 1_700_000_000_000L, 0);

    static final List<Resource> RESOURCES = List.of(DUAL, PLAIN, ENDPOINT, BARE, NODE, BLOCK, POOL, MEMBER, POLICY,
            IDENTITY, DEFAULT, TOKEN, FRESH_TOKEN,
            new AuditEntry(7, "spiffe://c/user/admin", "create-network", "network/blue", 1_700_000_000_000L, 42),
            new Revocation("node-a.example", "", 1_700_000_000_000L),
            new Revocation("node-b", "0a1b", 1_700_000_000_000L, 1_700_000_100_000L),
            new UserRevocation("alice", "0c", 1_700_000_000_000L, 0),
            new SiteBinding("node-b", "rack-1", "abc123"),
            CA_ROTATION);

    static final List<Command> COMMANDS = List.of(
            new CreateNetwork(DUAL),
            new CreateNetwork(PLAIN),
            new DeleteNetwork("blue"),
            new Allocate("blue", "c0ffee:1", "node-a.example", IpAddress.parse("10.1.0.7")),
            new Allocate("red", "e1", null, null),
            new Release("blue", "c0ffee:1"),
            new RegisterNode(NODE),
            new RemoveNode("node-a.example"),
            new AnnounceMember(MEMBER),
            new RemoveMember("s1"),
            new ApplyPolicies(List.of(POLICY), List.of(DEFAULT),
                    List.of(new PolicyTest("blue:app=web", "10.0.0.1", Protocol.UDP, 53, Verdict.DENY))),
            new DeletePolicy("shop", "api-in"),
            new LabelEndpoint("blue", "c0ffee:1", Map.of("tier", "front"), List.of("legacy")),
            new CreateToken(FRESH_TOKEN),
            new RedeemToken("abc123", JoinToken.hashOf("0123456789abcdef"), 1_699_999_999_000L, "node-b"),
            new RedeemToken("abc123", JoinToken.hashOf("0123456789abcdef"), 1_699_999_999_000L, "node-c",
                    JoinRole.NODE, "rack-1"),
            new DeleteToken("abc123"),
            new Attributed("spiffe://c/node/node-a.example", 1_700_000_000_000L, new RegisterNode(NODE)),
            new RevokeNode("node-a.example", "0a1b", 1_700_000_000_000L),
            new RevokeUser("alice", null, 1_700_000_000_000L),
            new UnrevokeNode("node-a.example", 1_700_000_000_000L),
            new UnrevokeUser("alice", 1_700_000_000_000L),
            new PruneExpiredToken("abc123", 1_700_000_000_000L),
            new RotateCa(CA_ROTATION),
            new RetireOldCa(1_700_000_000_000L, true));

    static final List<Reply> REPLIES = List.of(
            new Reply.Ok(ENDPOINT, true),
            new Reply.Ok(null, false),
            new Reply.Ok(DUAL, false),
            new Reply.Rejected(ErrorCode.ALREADY_EXISTS, "10.1.0.0/16 overlaps network x's 10.0.0.0/8"),
            new Reply.Rejected(ErrorCode.RESOURCE_EXHAUSTED, "no \"free\" address"),
            new Reply.Rejected(ErrorCode.PERMISSION_DENIED, "node b1 joined site b"));

    @Test
    void everyCommandTypeRoundTrips() {
        assertThat(COMMANDS.stream().map(Object::getClass).distinct())
                .containsExactlyInAnyOrder(Command.class.getPermittedSubclasses());
        for (Command c : COMMANDS) {
            assertThat(codec.decodeCommand(codec.encodeCommand(c))).isEqualTo(c);
        }
    }

    @Test
    void everyResourceTypeRoundTrips() {
        assertThat(RESOURCES.stream().map(Object::getClass).distinct())
                .containsExactlyInAnyOrder(Resource.class.getPermittedSubclasses());
        for (Resource r : RESOURCES) {
            assertThat(codec.decodeResource(codec.encodeResource(r))).isEqualTo(r);
        }
    }

    @Test
    void everyChangeTypeRoundTrips() {
        List<Change> changes = RESOURCES.stream()
                .<Change>mapMulti((r, out) -> {
                    out.accept(new Change.Put(r));
                    out.accept(new Change.Delete(r.key()));
                })
                .toList();
        for (Change c : changes) {
            assertThat(codec.decodeChange(codec.encodeChange(c))).isEqualTo(c);
        }
        assertThat(codec.decodeChanges(codec.encodeChanges(changes))).isEqualTo(changes);
    }

    @Test
    void everyReplyTypeRoundTrips() {
        for (Reply r : REPLIES) {
            assertThat(codec.decodeReply(codec.encodeReply(r))).isEqualTo(r);
        }
        assertThat(codec.decodeReplies(codec.encodeReplies(REPLIES))).isEqualTo(REPLIES);
    }

    @Test
    void batchesJoinedFromSeparatelyEncodedSlotsDecodeInOrder() {
        List<Slot> slots = new ArrayList<>(COMMANDS.stream().<Slot>map(Slot.Proposed::new).toList());
        slots.add(3, new Slot.Refused(new Reply.Rejected(ErrorCode.NOT_FOUND, "network x not found")));
        byte[] joined = FabricCodec.joinSlots(slots.stream().map(codec::encodeSlot).toList());

        assertThat(codec.decodeSlots(joined)).isEqualTo(slots);
        assertThat(codec.decodeSlots(codec.encodeSlots(slots))).isEqualTo(slots);
        assertThat(codec.decodeSlots(FabricCodec.joinSlots(List.of()))).isEmpty();
    }

    @Test
    void aRevocationStoredBeforeUnrevokeExistedReadsAsInForce() {
        // the bytes RocksDB, snapshots and the Raft log hold for revocations recorded before liftedAtMillis existed
        String stored = "{\"type\":\"Revocation\",\"node\":\"node-a\",\"serial\":\"0a\",\"atMillis\":1700000000000}";
        assertThat(codec.decodeResource(stored.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new Revocation("node-a", "0a", 1_700_000_000_000L, 0))
                .isInstanceOfSatisfying(Revocation.class, r -> assertThat(r.inForce()).isTrue());
        assertThat(new String(codec.encodeResource(new Revocation("node-a", "0a", 1_700_000_000_000L)),
                StandardCharsets.UTF_8)).contains("\"liftedAtMillis\":0").doesNotContain("inForce");
    }

    @Test
    void valuesTravelAsTheirText() {
        String json = new String(codec.encodeResource(ENDPOINT), StandardCharsets.UTF_8);
        assertThat(json).contains("\"type\":\"Endpoint\"", "\"ip\":\"10.1.0.7\"", "\"ip6\":\"fd00:1::7\"");
        String block = new String(codec.encodeChange(new Change.Delete(BLOCK.key())), StandardCharsets.UTF_8);
        assertThat(block).contains("\"key\":\"block/blue/10.1.3.0_24\"");
    }

    @Test
    void invalidValuesAreRefusedWhenDecoding() {
        byte[] hostBitsSet = "{\"type\":\"Block\",\"network\":\"blue\",\"cidr\":\"10.1.3.1/24\",\"node\":null}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decodeResource(hostBitsSet)).isInstanceOf(CodecException.class)
                .hasMessageContaining("host bits");
        byte[] unknownType = "{\"type\":\"Teleport\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decodeCommand(unknownType)).isInstanceOf(CodecException.class);
    }
}
