// ephemeral-ports/core is @ephemeral-ports/core itself: one copy of the model however an app reaches it.
export * from '@ephemeral-ports/core';
