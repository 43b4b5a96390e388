/**
 * Lazy paging: `loadMore()` fetches one page and resolves true when another page may follow. It runs when
 * `target` (a "load more" button, so keyboard users can page too) scrolls near the viewport, and again while the
 * target stays in view after a page landed, because the observer only reports changes. Returns the runner, for
 * the first page and for clicks.
 */
export function scrollPager(target, loadMore) {
  let busy = false;
  const run = async () => {
    if (busy) return;
    busy = true;
    let more = false;
    try {
      more = await loadMore();
    } finally {
      busy = false;
    }
    if (more && !target.hidden && nearViewport(target)) await run();
  };
  const observer = new IntersectionObserver((entries) => {
    if (!target.isConnected) observer.disconnect();
    else if (entries.some((entry) => entry.isIntersecting) && !target.hidden) void run();
  }, { rootMargin: `${MARGIN}px` });
  observer.observe(target);
  return run;
}

const MARGIN = 120;

function nearViewport(el) {
  const rect = el.getBoundingClientRect();
  if (rect.width === 0 && rect.height === 0) return false;
  return rect.top < window.innerHeight + MARGIN && rect.bottom > -MARGIN;
}
