import * as fs from 'fs';
import * as path from 'path';
import { configReference, REFERENCE_MARKERS } from '../../src/config/reference';
import { PROFILE_CONFIGS } from '../helpers';

const DOC = path.join(__dirname, '..', '..', 'docs', 'configuration.md');

describe('the configuration reference', () => {
  const text = fs.readFileSync(DOC, 'utf8');
  const reference = text.slice(text.indexOf(REFERENCE_MARKERS[0]));

  test('in docs/configuration.md is the one the schema and the defaults give (run `npm run docs` when this fails)', () => {
    expect(reference).toBe(configReference(PROFILE_CONFIGS));
  });

  test('lists every key of the config, with the default each profile resolves', () => {
    expect(reference).toContain(
      '| `collector.sampling.percentage` | number | dev: `100`<br>staging: `10`<br>production: `1` |',
    );
    expect(reference).toContain('| `alertmanager.receivers[].slack[].apiUrl.secretName` | DnsLabel |');
    expect(reference).toContain('| `alertmanager.route.routes[].routes` | object[] |  | (the same keys as above) |');
  });
});
