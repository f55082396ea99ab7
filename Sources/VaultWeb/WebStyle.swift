/// The one style sheet, served from /static/app.css (the CSP allows styles from this server only, none inline). Plain
/// and calm: system fonts (nothing fetched), dark text on white at a size readable on a projector, a focus ring on
/// everything that takes focus, and no fixed widths, so a 320 px screen needs no sideways scrolling (wide tables
/// scroll inside their own box). Overdue deadlines are red and also say "Overdue:" in words.
enum WebStyle {
    static let css = """
    *, *::before, *::after { box-sizing: border-box; }
    html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; font-size: 100%; line-height: 1.5;
           color: #1b1b1b; background: #fff; -webkit-text-size-adjust: 100%; }
    body { margin: 0; }
    main { display: block; max-width: 60rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
    main:focus { outline: none; }
    h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.5rem 0 1rem; overflow-wrap: anywhere; }
    h2 { font-size: 1.35rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid #c8c8c8; }
    h3 { font-size: 1.1rem; margin: 1rem 0 0.25rem; }
    a { color: #0b4f8a; text-decoration: underline; text-underline-offset: 0.15em; }
    a:hover { color: #06325a; }
    :focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
    .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem 1rem; z-index: 10; }
    .skip:focus { left: 0.5rem; }
    .top { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; justify-content: space-between;
           padding: 0.5rem 1rem; background: #eef2f5; border-bottom: 1px solid #c8d0d8; }
    .brand { margin: 0; font-weight: bold; }
    .brand a { color: inherit; text-decoration: none; }
    nav { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
    form.inline { display: inline; margin: 0; }
    button { font: inherit; padding: 0.45rem 1rem; border: 2px solid #0b4f8a; border-radius: 4px; background: #0b4f8a; color: #fff; cursor: pointer; }
    button:hover { background: #06325a; }
    button.link { background: none; border: none; color: #0b4f8a; text-decoration: underline; padding: 0; }
    .field { margin: 0 0 1.25rem; }
    label { display: block; font-weight: bold; margin-bottom: 0.25rem; }
    .hint { color: #4a4a4a; margin: 0 0 0.25rem; }
    input[type=password], input[type=search], input[type=text], input[type=file] { font: inherit; width: 100%; max-width: 28rem; padding: 0.4rem;
           border: 2px solid #555; border-radius: 4px; }
    [aria-invalid=true] { border-color: #b00020; }
    .filter { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; margin-bottom: 1rem; }
    .filter label { flex-basis: 100%; margin: 0; }
    .filter input { flex: 1 1 12rem; }
    .notice { padding: 0.75rem 1rem; border-left: 6px solid #0b4f8a; background: #eef2f5; }
    .error-summary { padding: 0.75rem 1rem; border: 3px solid #b00020; margin-bottom: 1.5rem; }
    .error-summary h2 { margin-top: 0; border: none; color: #b00020; }
    .overdue { color: #b00020; }
    .ref { font-weight: normal; color: #4a4a4a; font-size: 1.1rem; white-space: nowrap; }
    .crumbs { margin: 0; }
    .scroll { overflow-x: auto; max-width: 100%; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem 0.4rem 0; border-bottom: 1px solid #ddd; overflow-wrap: break-word; }
    thead th { border-bottom: 2px solid #888; }
    .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 0.5rem 1.5rem; margin: 0 0 1rem; }
    .facts dt { font-weight: bold; }
    .facts dd { margin: 0; overflow-wrap: anywhere; }
    .document-text { white-space: pre-wrap; overflow-wrap: anywhere; font-family: inherit; font-size: 1rem; background: #fafafa;
                     border: 1px solid #ddd; padding: 1rem; max-width: 48rem; }
    .note { border-left: 4px solid #c8d0d8; padding-left: 0.75rem; margin-bottom: 1rem; }
    .note .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    select, input[type=date] { font: inherit; width: 100%; max-width: 28rem; padding: 0.4rem; border: 2px solid #555; border-radius: 4px; background: #fff; }
    fieldset { border: 1px solid #c8c8c8; margin: 0 0 1rem; padding: 0.5rem 1rem 0; min-width: 0; }
    legend { font-weight: bold; padding: 0 0.25rem; }
    button.secondary { background: #fff; color: #0b4f8a; }
    .found-name { border-left: 4px solid #c8d0d8; padding-left: 0.75rem; margin-bottom: 1.5rem; }
    .found-form { margin: 0 0 0.75rem; }
    .found-form select { margin-bottom: 0.5rem; }
    mark { background: #ffe08a; color: #1b1b1b; outline: 1px solid #8a6d00; }
    .pdf-page { margin: 0 0 1.5rem; }
    .pdf-page img { display: block; max-width: 100%; height: auto; border: 1px solid #c8c8c8; }
    .redaction-kind { color: #4a4a4a; font-size: 0.9rem; }
    @media (forced-colors: active) { mark { outline: 2px solid Highlight; } }
    .choice { display: grid; grid-template-columns: auto 1fr; gap: 0 0.5rem; align-items: start; margin-bottom: 0.5rem; }
    .choice input { width: 1.25rem; height: 1.25rem; margin: 0.2rem 0 0; }
    .choice label { font-weight: normal; margin: 0; }
    .choice .hint { grid-column: 2; }
    .choice .ref { font-size: 1rem; }
    .buttons { display: flex; flex-wrap: wrap; gap: 0.75rem; }
    form.download { margin: 0 0 0.75rem; }
    @media (forced-colors: active) { button { border: 2px solid ButtonText; } }
    """
}
