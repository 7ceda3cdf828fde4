// Package letter owns Nyttig's decision letters (vedtaksbrev): the data a
// letter needs, the per-fund Template of every fixed text and legal reference
// in bokmål and English (editable by an admin, with DefaultTemplate as the
// starting point), and the Renderer that lays a letter out as an A4 PDF with
// embedded UTF-8 fonts, page numbers, metadata and an optional DRAFT / UTKAST
// watermark for previews.
//
// The package renders only. Storing letters, archiving, sending and the
// workflow around a decision belong to the callers.
package letter
