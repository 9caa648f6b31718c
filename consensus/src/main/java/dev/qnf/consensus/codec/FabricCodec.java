package dev.qnf.consensus.codec;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.qnf.consensus.apply.Slot;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.model.Resource;
import dev.qnf.fabric.model.ResourceKey;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.state.Change;
import dev.qnf.fabric.state.Reply;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * The one place that knows the bytes of the log, the store and the wire. JSON, because a log entry is then
 * readable with any tool and a batch can be assembled by joining elements that callers encoded in parallel.
 * fabric-state carries no Jackson annotations: type ids come from mix-ins and the permitted subclasses of each
 * sealed interface, so a new record type is picked up without touching this class.
 */
public final class FabricCodec {
    private static final TypeReference<List<Slot>> SLOTS = new TypeReference<>() {
    };
    private static final TypeReference<List<Reply>> REPLIES = new TypeReference<>() {
    };
    private static final TypeReference<List<Change>> CHANGES = new TypeReference<>() {
    };

    private final ObjectWriter slotWriter;
    private final ObjectWriter slotsWriter;
    private final ObjectReader slotsReader;
    private final ObjectWriter repliesWriter;
    private final ObjectReader repliesReader;
    private final ObjectWriter changesWriter;
    private final ObjectReader changesReader;
    private final ObjectWriter resourceWriter;
    private final ObjectReader resourceReader;
    private final ObjectWriter commandWriter;
    private final ObjectReader commandReader;
    private final ObjectWriter replyWriter;
    private final ObjectReader replyReader;
    private final ObjectWriter changeWriter;
    private final ObjectReader changeReader;

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    private interface TypedByName {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "slot")
    private interface TypedSlot {
    }

    public FabricCodec() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(valueModule());
        for (Class<?> base : List.of(Command.class, Resource.class, Change.class, Reply.class)) {
            mapper.addMixIn(base, TypedByName.class);
            registerPermitted(mapper, base);
        }
        mapper.addMixIn(Slot.class, TypedSlot.class);
        mapper.registerSubtypes(new NamedType(Slot.Proposed.class, "proposed"), new NamedType(Slot.Refused.class, "refused"));

        slotWriter = mapper.writerFor(Slot.class);
        slotsWriter = mapper.writerFor(SLOTS);
        slotsReader = mapper.readerFor(SLOTS);
        repliesWriter = mapper.writerFor(REPLIES);
        repliesReader = mapper.readerFor(REPLIES);
        changesWriter = mapper.writerFor(CHANGES);
        changesReader = mapper.readerFor(CHANGES);
        resourceWriter = mapper.writerFor(Resource.class);
        resourceReader = mapper.readerFor(Resource.class);
        commandWriter = mapper.writerFor(Command.class);
        commandReader = mapper.readerFor(Command.class);
        replyWriter = mapper.writerFor(Reply.class);
        replyReader = mapper.readerFor(Reply.class);
        changeWriter = mapper.writerFor(Change.class);
        changeReader = mapper.readerFor(Change.class);
    }

    /** Every permitted subclass under its simple name ("Allocate", "Put", "Rejected"): stable and readable. */
    private static void registerPermitted(ObjectMapper mapper, Class<?> base) {
        for (Class<?> sub : base.getPermittedSubclasses()) {
            mapper.registerSubtypes(new NamedType(sub, sub.getSimpleName()));
        }
    }

    private static SimpleModule valueModule() {
        SimpleModule m = new SimpleModule("qnf-values");
        addText(m, IpAddress.class, IpAddress::parse);
        addText(m, Cidr.class, Cidr::parse);
        addText(m, ResourceKey.class, ResourceKey::parse);
        return m;
    }

    /** Values with a canonical text form travel as that text, the way users write them. */
    private static <T> void addText(SimpleModule module, Class<T> type, Function<String, T> parse) {
        module.addSerializer(type, new StdSerializer<>(type) {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        module.addDeserializer(type, new StdDeserializer<>(type) {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = p.getValueAsString();
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException e) {
                    return ctx.reportInputMismatch(type, "bad %s '%s': %s", type.getSimpleName(), text, e.getMessage());
                }
            }
        });
    }

    // ---- batches: the content of a Raft log entry ----

    public byte[] encodeSlot(Slot slot) {
        return write(slotWriter, slot);
    }

    /** Joins slots encoded with {@link #encodeSlot} into one batch without re-encoding them. */
    public static byte[] joinSlots(List<byte[]> encodedSlots) {
        int size = 2 + Math.max(0, encodedSlots.size() - 1);
        for (byte[] b : encodedSlots) {
            size += b.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write('[');
        for (int i = 0; i < encodedSlots.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(encodedSlots.get(i));
        }
        out.write(']');
        return out.toByteArray();
    }

    public byte[] encodeSlots(List<Slot> slots) {
        return write(slotsWriter, slots);
    }

    public List<Slot> decodeSlots(byte[] bytes) {
        return read(slotsReader, bytes, "batch");
    }

    // ---- replies, changes, resources ----

    public byte[] encodeReplies(List<Reply> replies) {
        return write(repliesWriter, replies);
    }

    public List<Reply> decodeReplies(byte[] bytes) {
        return read(repliesReader, bytes, "replies");
    }

    public byte[] encodeChanges(List<Change> changes) {
        return write(changesWriter, changes);
    }

    public List<Change> decodeChanges(byte[] bytes) {
        return read(changesReader, bytes, "changes");
    }

    public byte[] encodeResource(Resource resource) {
        return write(resourceWriter, resource);
    }

    public Resource decodeResource(byte[] bytes) {
        return read(resourceReader, bytes, "resource");
    }

    public byte[] encodeCommand(Command command) {
        return write(commandWriter, command);
    }

    public Command decodeCommand(byte[] bytes) {
        return read(commandReader, bytes, "command");
    }

    public byte[] encodeReply(Reply reply) {
        return write(replyWriter, reply);
    }

    public Reply decodeReply(byte[] bytes) {
        return read(replyReader, bytes, "reply");
    }

    public byte[] encodeChange(Change change) {
        return write(changeWriter, change);
    }

    public Change decodeChange(byte[] bytes) {
        return read(changeReader, bytes, "change");
    }

    private static byte[] write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new CodecException("cannot encode " + value + ": " + e.getMessage(), e);
        }
    }

    private static <T> T read(ObjectReader reader, byte[] bytes, String what) {
        try {
            return reader.readValue(bytes);
        } catch (IOException e) {
            String shown = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8);
            throw new CodecException("cannot decode " + what + " from '" + shown + "': " + e.getMessage(), e);
        }
    }
}
