/**
 * The REST/JSON surface: thin Armeria annotated services over the application services, strict JSON in, the
 * {@link dev.qnf.api.json} records out, and every failure rendered by {@link dev.qnf.api.rest.RestErrors}.
 */
package dev.qnf.api.rest;
