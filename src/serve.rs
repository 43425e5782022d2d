//! The preview server: renders into memory, watches the files and reloads the browser.
