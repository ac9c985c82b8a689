'use strict';
// ephemeral-ports/core is @ephemeral-ports/core itself: one copy of the model however an app reaches it.
module.exports = require('@ephemeral-ports/core');
