import { describe, it, expect } from 'vitest';
import { classifyTextSource } from './source-kind.js';

describe('classifyTextSource', () => {
  it('classifies URLs', () => {
    expect(classifyTextSource('https://example.com/a.png')).toBe('url');
    expect(classifyTextSource('http://example.com/a.png?x=1&y=2')).toBe('url');
    expect(classifyTextSource('  http://127.0.0.1:8080/  ')).toBe('url');
    expect(classifyTextSource('ftp://example.com/a.gif')).toBe('url');
    expect(classifyTextSource('file:///etc/passwd')).toBe('url');
    expect(classifyTextSource('gopher://example.com/')).toBe('url');
  });

  it('classifies base64, including data: URIs', () => {
    expect(classifyTextSource('iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB')).toBe('base64');
    expect(classifyTextSource('aGVsbG8=')).toBe('base64');
    expect(classifyTextSource('data:image/png;base64,iVBORw0KGgo=')).toBe('base64');
    expect(classifyTextSource('DATA:image/png;base64,iVBORw0KGgo=')).toBe('base64');
    expect(classifyTextSource('a+b/c d\r\n==')).toBe('base64');
    expect(classifyTextSource('')).toBe('base64');
  });
});
