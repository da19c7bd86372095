// Progressive enhancement only: every page works without JavaScript.
// A static module, never inline: the Content-Security-Policy allows no inline script.
import { initAll } from '../vendor/govuk/govuk-frontend.min.js'

initAll()

// Wide tables scroll inside their own box, never the page (WCAG 1.4.10 Reflow). A table
// that is wider than the page becomes a focusable, named region (so keyboard users can
// scroll it) with a visible cue; it goes back to plain when the window is wide enough.
// Tables already wrapped on the server (class portal-table-scroll) are left alone.
function markOverflow (box) {
  const table = box.querySelector('table')
  const overflowing = box.scrollWidth > box.clientWidth + 1
  box.classList.toggle('portal-table-scroll--overflowing', overflowing)
  const cue = box.previousElementSibling
  if (cue && cue.classList.contains('portal-table-scroll__cue')) cue.hidden = !overflowing
  if (overflowing) {
    const caption = table.caption ? table.caption.textContent.trim() : 'Table'
    box.setAttribute('tabindex', '0')
    box.setAttribute('role', 'region')
    box.setAttribute('aria-label', caption + ' (scrolls sideways)')
  } else {
    box.removeAttribute('tabindex')
    box.removeAttribute('role')
    box.removeAttribute('aria-label')
  }
}

const boxes = []
for (const table of document.querySelectorAll('main table.govuk-table')) {
  if (table.closest('.portal-table-scroll, [role="region"]')) continue
  const box = document.createElement('div')
  box.className = 'portal-table-scroll portal-table-scroll--auto'
  const cue = document.createElement('p')
  cue.className = 'govuk-body-s portal-table-scroll__cue'
  cue.setAttribute('aria-hidden', 'true')
  cue.hidden = true
  cue.textContent = 'Scroll sideways to see the whole table.'
  table.parentNode.insertBefore(cue, table)
  table.parentNode.insertBefore(box, table)
  box.appendChild(table)
  boxes.push(box)
}
for (const box of boxes) markOverflow(box)
if ('ResizeObserver' in window) {
  const observer = new ResizeObserver(entries => entries.forEach(e => markOverflow(e.target)))
  boxes.forEach(box => observer.observe(box))
}

// Pages that wait for work in the background (imports, reports) refresh themselves while
// they wait: <div data-portal-refresh="3"> reloads the page after 3 seconds. Without
// JavaScript the page offers a "Refresh" link instead.
const refresh = document.querySelector('[data-portal-refresh]')
if (refresh) {
  const seconds = Math.max(2, parseInt(refresh.getAttribute('data-portal-refresh'), 10) || 3)
  setTimeout(() => window.location.reload(), seconds * 1000)
}
