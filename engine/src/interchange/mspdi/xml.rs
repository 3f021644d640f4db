//! A minimal element tree on top of quick-xml: local names, text and children, each element
//! with the byte offset where it starts (for located messages).
//!
//! Neither building nor freeing the tree recurses: parsing keeps the open elements on a heap
//! stack, and [`Element`]'s `Drop` flattens its descendants into a list before freeing them,
//! so a file nested hundreds of thousands of elements deep is no danger to the thread's stack.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::diag::{Diagnostic, Pos};

/// An XML element: local name, text and children.
#[derive(Debug, Default)]
pub(super) struct Element {
    /// The local name (the part after any `prefix:`).
    pub name: String,
    /// The text directly inside it, entities resolved.
    pub text: String,
    /// Its child elements, in document order.
    pub children: Vec<Element>,
    /// The byte offset of its start tag.
    pub at: usize,
    /// The namespace of the root element's name (`None`: none declared); `None` below the root.
    pub ns: Option<String>,
}

impl Drop for Element {
    fn drop(&mut self) {
        // Free the descendants from a flat list: each element popped has had its children
        // moved out, so its own drop does not descend.
        let mut pending = std::mem::take(&mut self.children);
        while let Some(mut el) = pending.pop() {
            pending.append(&mut el.children);
        }
    }
}

impl Element {
    fn new(name: String, at: usize) -> Element {
        Element {
            name,
            text: String::new(),
            children: Vec::new(),
            at,
            ns: None,
        }
    }
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }
    pub fn num(&self, name: &str) -> Option<f64> {
        self.text_of(name)?
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
    }
    pub fn int(&self, name: &str) -> Option<i64> {
        self.text_of(name)?.parse().ok()
    }
    pub fn flag(&self, name: &str) -> bool {
        matches!(self.text_of(name), Some("1" | "true"))
    }
}

fn local(name: &[u8]) -> String {
    let n = match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    String::from_utf8_lossy(n).into_owned()
}

/// The namespace an element's name is in, from its own declarations (`xmlns` for an
/// unprefixed name, `xmlns:p` for `p:Name`): what the root of a document needs.
fn namespace_of(e: &BytesStart) -> Option<String> {
    let qname = e.name();
    let full = qname.as_ref();
    let key: Vec<u8> = match full.iter().position(|&b| b == b':') {
        Some(i) => [b"xmlns:".as_slice(), &full[..i]].concat(),
        None => b"xmlns".to_vec(),
    };
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key.as_slice())
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.trim().to_string())
        })
}

fn xml_error(src: &str, at: usize, msg: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Some(Pos::of_offset(src, at)),
        format!("XML syntax error: {msg}"),
    )
}

/// The text of an entity or character reference (`&amp;`, `&#233;`).
fn reference(src: &str, at: usize, r: &quick_xml::events::BytesRef) -> Result<String, Diagnostic> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Ok(c.to_string());
    }
    let name = r.xml10_content().map_err(|e| xml_error(src, at, e))?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| xml_error(src, at, format!("unknown entity `&{name};`")))
}

/// A new element for a start tag at `at`; the root also records its namespace.
fn open(e: &BytesStart, at: usize, root: bool) -> Element {
    let mut el = Element::new(local(e.name().as_ref()), at);
    if root {
        el.ns = namespace_of(e);
    }
    el
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(text);
    }
}

/// Parses XML text into its root element.
pub(super) fn parse(src: &str) -> Result<Element, Diagnostic> {
    let mut reader = Reader::from_str(src);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let ev = reader.read_event().map_err(|e| {
            let pos = usize::try_from(reader.error_position()).unwrap_or(at);
            xml_error(src, pos, e)
        })?;
        match ev {
            Event::Start(e) => {
                let el = open(&e, at, stack.len() == 1);
                stack.push(el);
            }
            Event::Empty(e) => {
                let el = open(&e, at, stack.len() == 1);
                if let Some(top) = stack.last_mut() {
                    top.children.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().unwrap_or_default();
                match stack.last_mut() {
                    Some(top) => top.children.push(el),
                    None => return Err(xml_error(src, at, "unbalanced end tag")),
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| xml_error(src, at, e))?;
                push_text(&mut stack, &s);
            }
            Event::CData(t) => {
                let s = t.xml10_content().map_err(|e| xml_error(src, at, e))?;
                push_text(&mut stack, &s);
            }
            Event::GeneralRef(r) => push_text(&mut stack, &reference(src, at, &r)?),
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(xml_error(
            src,
            src.len(),
            "the document ends inside an element",
        ));
    }
    let mut doc = stack.pop().unwrap_or_default();
    std::mem::take(&mut doc.children)
        .into_iter()
        .next()
        .ok_or_else(|| xml_error(src, 0, "the document has no root element"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_tree_decodes_entities_and_namespaces() {
        let root = parse(
            "<?xml version=\"1.0\"?><p:Project xmlns:p=\"x\"><Name>A &amp; B &#233;</Name><E/></p:Project>",
        )
        .unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.ns.as_deref(), Some("x"));
        assert_eq!(root.text_of("Name"), Some("A & B é"));
        assert!(root.child("E").is_some());
        assert!(parse("<a><b></a>").is_err());
        let plain = parse("<Project xmlns=\"y\" xmlns:q=\"z\"/>").unwrap();
        assert_eq!(plain.ns.as_deref(), Some("y"));
        assert_eq!(parse("<Project/>").unwrap().ns, None);
    }

    #[test]
    fn a_deep_tree_is_built_and_freed_on_a_small_stack() {
        // 150,000 levels: a recursive drop needs tens of bytes of stack per level, far more
        // than the 256 KiB this thread has.
        const DEPTH: usize = 150_000;
        let src = format!("<r>{}{}</r>", "<a>".repeat(DEPTH), "</a>".repeat(DEPTH));
        let depth = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let root = parse(&src).expect("well-formed");
                let mut depth = 0;
                let mut el = &root;
                while let Some(c) = el.children.first() {
                    el = c;
                    depth += 1;
                }
                drop(root);
                depth
            })
            .expect("spawn")
            .join()
            .expect("no stack overflow");
        assert_eq!(depth, DEPTH);
    }
}
