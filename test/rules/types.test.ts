import { renderRuleFile, runbookUrl, RUNBOOK_BASE_URL } from '../../rules';

describe('renderRuleFile', () => {
  test('writes keys in Prometheus order and leaves out unset fields', () => {
    const rendered = renderRuleFile([
      {
        name: 'example',
        interval: '1m',
        rules: [
          { record: 'job:up:sum', expr: 'sum by (job) (up)' },
          {
            annotations: { runbook_url: runbookUrl('ExampleDown'), description: 'd', summary: 's' },
            labels: { severity: 'warning' },
            keepFiringFor: '5m',
            for: '10m',
            expr: 'job:up:sum == 0',
            alert: 'ExampleDown',
          },
          { alert: 'ExampleNow', expr: 'vector(1)', labels: { severity: 'info' }, annotations: { summary: 's', description: 'd', runbook_url: 'u' } },
        ],
      },
    ]);
    expect(rendered).toBe(
      [
        'groups:',
        '  - name: example',
        '    interval: 1m',
        '    rules:',
        '      - record: job:up:sum',
        '        expr: sum by (job) (up)',
        '      - alert: ExampleDown',
        '        expr: job:up:sum == 0',
        '        for: 10m',
        '        keep_firing_for: 5m',
        '        labels:',
        '          severity: warning',
        '        annotations:',
        '          runbook_url: https://github.com/agent-o11y/agent-o11y/blob/main/docs/runbooks/ExampleDown.md',
        '          description: d',
        '          summary: s',
        '      - alert: ExampleNow',
        '        expr: vector(1)',
        '        labels:',
        '          severity: info',
        '        annotations:',
        '          summary: s',
        '          description: d',
        '          runbook_url: u',
        '',
      ].join('\n'),
    );
  });

  test('writes a multi-line expression as a block so a one-line change is a one-line diff', () => {
    const rendered = renderRuleFile([{ name: 'g', rules: [{ record: 'a:b:c', expr: 'sum(x)\n/\nsum(y)' }] }]);
    expect(rendered).toContain('expr: |-\n          sum(x)\n          /\n          sum(y)\n');
  });
});

test('runbook URLs point at docs/runbooks on main', () => {
  expect(RUNBOOK_BASE_URL).toBe('https://github.com/agent-o11y/agent-o11y/blob/main/docs/runbooks/');
  expect(runbookUrl('AgentCrashLoop')).toBe(`${RUNBOOK_BASE_URL}AgentCrashLoop.md`);
});
