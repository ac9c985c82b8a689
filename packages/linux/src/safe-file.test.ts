import { safeFileCases } from '../../../test/hardening/safe-file-cases.js';
import { replaceFile } from './safe-file.js';

safeFileCases('linux persist writer', (path, content) => replaceFile(path, content, { argument: 'file' }));
