/** The QNF server process: its configuration and its one wiring place, {@link dev.qnf.api.server.QnfServer}. */
package dev.qnf.api.server;
