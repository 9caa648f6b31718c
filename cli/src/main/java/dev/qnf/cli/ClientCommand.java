package dev.qnf.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A subcommand that talks to the control plane: the client options and the output in the chosen format. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;
    @Spec
    CommandSpec spec;

    Output out() {
        return options.output(spec.commandLine().getOut());
    }
}
