// The return form: as a figure is typed, show the status it would get. The server judges it
// with the same rules as the page (returns:return_statuses); nothing is saved. Without this
// script the page still shows each figure's status once the return is saved.
const form = document.querySelector('form[data-status-url]')

if (form) {
  const url = form.dataset.statusUrl
  let timer = null
  let latest = 0

  const update = async () => {
    const asked = ++latest
    const params = new URLSearchParams()
    for (const input of form.querySelectorAll('input[name$="-figure"]')) {
      params.append(input.name, input.value)
    }
    let statuses
    try {
      const response = await fetch(`${url}?${params}`, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin'
      })
      if (!response.ok) return
      statuses = await response.json()
    } catch {
      return // offline or signed out: the saved page still shows each status
    }
    if (asked !== latest) return // a later keystroke's answer is on its way
    for (const [code, status] of Object.entries(statuses)) {
      const tag = form.querySelector(`[data-status-for="${CSS.escape(code)}"]`)
      const figure = form.querySelector(`[data-figure-for="${CSS.escape(code)}"]`)
      if (!tag) continue
      if (tag.textContent !== status.label) tag.textContent = status.label
      tag.className = `govuk-tag ${status.classes}`
      if (figure) figure.textContent = status.figure
    }
  }

  form.addEventListener('input', (event) => {
    if (!event.target.name || !event.target.name.endsWith('-figure')) return
    window.clearTimeout(timer)
    timer = window.setTimeout(update, 300)
  })
}
