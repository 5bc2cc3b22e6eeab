import { renderRuleFile, runbookUrl } from '../../rules';

describe('renderRuleFile', () => {
  test('writes keys in Prometheus order and leaves out unset fields', () => {
    const rendered = renderRuleFile([
      {
        name: 'example',
        interval: '1m',
        rules: [
          { record: 'job:up:sum', expr: 'sum by (job) (up)' },
          {
            annotations: {
              runbook_url: runbookUrl('https://docs.example.com/runbooks', 'ExampleDown'),
              description: 'd',
              summary: 's',
            },
            labels: { severity: 'warning' },
            keepFiringFor: '5m',
            for: '10m',
            expr: 'job:up:sum == 0',
            alert: 'ExampleDown',
          },
          {
            alert: 'ExampleNow',
            expr: 'vector(1)',
            labels: { severity: 'info' },
            annotations: { summary: 's', description: 'd', runbook_url: 'u' },
          },
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
        '          runbook_url: https://docs.example.com/runbooks/ExampleDown.md',
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

test("a runbook URL is the alert's file under the configured base, with or without its trailing slash", () => {
  expect(runbookUrl('https://docs.example.com/runbooks/', 'AgentCrashLoop')).toBe(
    'https://docs.example.com/runbooks/AgentCrashLoop.md',
  );
  expect(runbookUrl('https://docs.example.com/runbooks', 'AgentCrashLoop')).toBe(
    'https://docs.example.com/runbooks/AgentCrashLoop.md',
  );
});
