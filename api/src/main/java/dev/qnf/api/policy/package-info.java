/**
 * The policy wire form ({@link dev.qnf.api.json.PolicyView}, {@link dev.qnf.api.json.PolicyFile}) to and from the
 * domain ({@code dev.qnf.fabric.policy}): shared by the server, the CLI and the node agent, so it imports no
 * server stack.
 */
package dev.qnf.api.policy;
