// @vitest-environment jsdom
// The resizable panes of the side-by-side layout: shares stay between the limits, the
// divider moves by keyboard in 2 % steps and reaches its limits with Home/End, the share
// is remembered per key (and a broken remembered value falls back), and the layout is on
// by default only where the window is wide enough.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clampShare, readShare, sideBySideActive, SIDE_BY_SIDE_MIN_WIDTH } from '../../../renderer/app/pane-share';
import { SplitPane } from '../../../renderer/app/split-pane';

afterEach(cleanup);
beforeEach(() => localStorage.clear());

describe('pane shares', () => {
  it('are kept between min and 1 - min; a share that is no number becomes an even split', () => {
    expect(clampShare(0.1, 0.2)).toBe(0.2);
    expect(clampShare(0.95, 0.2)).toBe(0.8);
    expect(clampShare(0.4, 0.2)).toBe(0.4);
    expect(clampShare(Number.NaN, 0.2)).toBe(0.5);
  });

  it('side by side: on by default from 1460 px, off when the user said so, never below the width', () => {
    expect(SIDE_BY_SIDE_MIN_WIDTH).toBe(1460);
    expect(sideBySideActive(1600, null)).toBe(true);
    expect(sideBySideActive(1600, 'off')).toBe(false);
    expect(sideBySideActive(1459, null)).toBe(false);
    expect(sideBySideActive(1280, 'on')).toBe(false);
  });
});

describe('the divider', () => {
  const panes = (firstOnly = false) =>
    render(<SplitPane direction="row" storageKey="t" initialShare={0.5} minShare={0.25} label="Resize test panes" first={<p>left</p>} second={<p>right</p>} firstOnly={firstOnly} />);

  it('moves 2 % per arrow key, goes to its limits with Home / End, and is remembered', () => {
    panes();
    const d = screen.getByRole('separator', { name: 'Resize test panes' });
    expect(d.getAttribute('aria-valuenow')).toBe('50');
    expect(d.getAttribute('aria-orientation')).toBe('vertical');
    fireEvent.keyDown(d, { key: 'ArrowLeft' });
    fireEvent.keyDown(d, { key: 'ArrowLeft' });
    expect(d.getAttribute('aria-valuenow')).toBe('46');
    fireEvent.keyDown(d, { key: 'ArrowRight' });
    expect(d.getAttribute('aria-valuenow')).toBe('48');
    expect(readShare('t')).toBeCloseTo(0.48, 3);
    fireEvent.keyDown(d, { key: 'Home' });
    expect(d.getAttribute('aria-valuenow')).toBe('25');
    fireEvent.keyDown(d, { key: 'End' });
    expect(d.getAttribute('aria-valuenow')).toBe('75');
    cleanup();
    panes();
    expect(screen.getByRole('separator').getAttribute('aria-valuenow')).toBe('75');
  });

  it('a remembered value out of range or not a number is not used as it is', () => {
    localStorage.setItem('dcnn.split.t', '7');
    panes();
    expect(screen.getByRole('separator').getAttribute('aria-valuenow')).toBe('75');
    cleanup();
    localStorage.setItem('dcnn.split.t', 'wide');
    panes();
    expect(screen.getByRole('separator').getAttribute('aria-valuenow')).toBe('50');
  });

  it('firstOnly draws the first pane alone, with no divider', () => {
    panes(true);
    expect(screen.queryByRole('separator')).toBeNull();
    expect(screen.getByText('left')).toBeTruthy();
    expect(screen.queryByText('right')).toBeNull();
  });
});
