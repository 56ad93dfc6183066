import { describe, expect, it } from 'vitest';
import { checkedWebLink } from '../../../extension/linkCheck';

describe('links from an answer', () => {
  it('http and https open (after asking)', () => {
    expect(checkedWebLink('https://example.com/x?y=1')?.toString()).toBe('https://example.com/x?y=1');
    expect(checkedWebLink(' http://example.com ')?.hostname).toBe('example.com');
  });

  it('anything else is refused', () => {
    for (const href of [
      'javascript:alert(1)',
      'command:workbench.action.terminal.new',
      'vscode://file/etc/passwd',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      './foo.ts',
      '#top',
      'https://user:pw@example.com/',
      '',
    ])
      expect(checkedWebLink(href), href).toBeUndefined();
  });
});
