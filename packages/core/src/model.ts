/**
 * `@ephemeral-ports/core/model`: the range model and its notations, the OS rules and defaults, and the backend
 * contract, without the allocation models and diagnostics maths of the full entry. It is what a backend and the
 * facade's range read need, so `require('ephemeral-ports')` compiles only this much of core; both entries share
 * one copy of every class.
 */
export * from './errors.js';
export * from './range.js';
export * from './platform.js';
export * from './backend.js';
export * from './sockets.js';
export * from './validate.js';
export * from './defaults.js';
export * from './notation.js';
export * from './text-diff.js';
export * from './pair-write-plan.js';
export * from './raw-capture.js';
