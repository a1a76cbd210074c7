// The public site's only script. Public pages carry no inline script, so a copy kept by a
// proxy needs no per-response nonce: this file marks the page as scripted and starts
// GOV.UK Frontend's components, as base.html's inline scripts do for signed-in pages.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
}
initAll()
