package dev.qnf.fabric.command;

import dev.qnf.fabric.model.Member;
import dev.qnf.fabric.model.Names;

import java.util.Objects;

/** A control-plane server records its API and Raft addresses so that every server can tell clients about it. */
public record AnnounceMember(Member member) implements Command {
    public AnnounceMember {
        Objects.requireNonNull(member, "member");
        Names.node(member.id());
    }
}
