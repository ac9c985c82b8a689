import { safeFileCases } from '../../../../test/hardening/safe-file-cases.js';
import { writeFileAtomic } from './files.js';

safeFileCases('map --svg / metrics --textfile writer', (path, content) => writeFileAtomic(path, content, '--svg'));
