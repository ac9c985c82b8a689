export * from '@ephemeral-ports/core';
