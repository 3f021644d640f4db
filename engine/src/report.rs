//! Rendering results for people: Mermaid gantt and CSV (the CLI and the web app share them).
