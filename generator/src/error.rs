//! Errors the generator reports: each names the place in the spec it is about.

use std::fmt;

/// A JSON pointer (RFC 6901) into the spec document, such as
/// `#/components/schemas/Member/properties/name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(transparent)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer(String::from("#"))
    }

    /// This pointer extended by one reference token, escaped per RFC 6901.
    pub fn join(&self, token: impl AsRef<str>) -> Self {
        let escaped = token.as_ref().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, escaped))
    }

    /// Parses a local `$ref` target such as `#/components/schemas/X`.
    pub fn from_ref(reference: &str) -> Option<Self> {
        reference
            .starts_with("#/")
            .then(|| Pointer(reference.to_owned()))
            .or_else(|| (reference == "#").then(Pointer::root))
    }

    /// `pointer` in another document: `file#/...` (just `pointer` for the
    /// root document, `file` empty).
    pub fn in_file(file: &str, pointer: &Pointer) -> Pointer {
        if file.is_empty() {
            pointer.clone()
        } else {
            Pointer(format!("{file}{}", pointer.0))
        }
    }

    /// The pointer as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped reference tokens after `#`.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Everything that can go wrong turning a spec into code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The document is not valid JSON or YAML.
    #[error("spec is not valid {format}: {message}")]
    Syntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The document parsed but does not have the shape OpenAPI requires.
    #[error("{pointer}: {message}")]
    Invalid {
        /// Where in the document.
        pointer: Pointer,
        /// What is wrong there.
        message: String,
    },
    /// The document uses something the generator cannot turn into code yet.
    #[error("{pointer}: unsupported: {message}")]
    Unsupported {
        /// Where in the document.
        pointer: Pointer,
        /// What is not supported.
        message: String,
    },
    /// The generator broke one of its own invariants (a bug, reported, never a panic).
    #[error("{pointer}: internal error (a generator bug): {message}")]
    Internal {
        /// The schema being handled.
        pointer: Pointer,
        /// Which invariant broke.
        message: String,
    },
    /// Several independent mistakes, each with its place (at most
    /// [`Error::MAX_REPORTED`]; `more` counts the rest).
    #[error("{} mistakes in the spec:\n{}{}", .errors.len() + .more, .errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"), if *.more > 0 { format!("\n  ... and {} more", .more) } else { String::new() })]
    Several {
        /// The mistakes, in the order they were found.
        errors: Vec<Error>,
        /// How many more there were.
        more: usize,
    },
    /// An overlay could not be read or one of its actions applied.
    #[error("{file}{pointer}: {message}")]
    Overlay {
        /// The overlay's file.
        file: String,
        /// Where in the overlay (`#/actions/2/target`).
        pointer: Pointer,
        /// What is wrong there.
        message: String,
    },
    /// Formatting the generated tokens failed (a generator bug, reported, never a panic).
    #[error("internal error rendering {file}: {message}")]
    Render {
        /// The output file being rendered.
        file: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// The same error, its pointer mapped by `locate` where it answers (to
    /// name the document a part of a bundled spec came from).
    pub fn relocate(self, locate: &dyn Fn(&str) -> Option<String>) -> Self {
        let moved = |p: Pointer| locate(p.as_str()).map_or(p, Pointer);
        match self {
            Error::Invalid { pointer, message } => Error::Invalid {
                pointer: moved(pointer),
                message,
            },
            Error::Unsupported { pointer, message } => Error::Unsupported {
                pointer: moved(pointer),
                message,
            },
            Error::Internal { pointer, message } => Error::Internal {
                pointer: moved(pointer),
                message,
            },
            Error::Several { errors, more } => Error::Several {
                errors: errors.into_iter().map(|e| e.relocate(locate)).collect(),
                more,
            },
            other => other,
        }
    }

    /// How many mistakes [`Error::Several`] lists.
    pub const MAX_REPORTED: usize = 20;

    /// Nothing when `errors` is empty, the one error, or [`Error::Several`].
    pub fn collected(mut errors: Vec<Error>) -> Result<()> {
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            n => {
                errors.truncate(Self::MAX_REPORTED);
                Err(Error::Several {
                    more: n - errors.len(),
                    errors,
                })
            }
        }
    }

    /// The single mistakes this error stands for.
    pub fn each(&self) -> Vec<&Error> {
        match self {
            Error::Several { errors, .. } => errors.iter().flat_map(Error::each).collect(),
            other => vec![other],
        }
    }

    /// An [`Error::Invalid`] at `pointer`.
    pub fn invalid(pointer: &Pointer, message: impl Into<String>) -> Self {
        Error::Invalid {
            pointer: pointer.clone(),
            message: message.into(),
        }
    }

    /// An [`Error::Unsupported`] at `pointer`.
    pub fn unsupported(pointer: &Pointer, message: impl Into<String>) -> Self {
        Error::Unsupported {
            pointer: pointer.clone(),
            message: message.into(),
        }
    }
}

/// Something the generator had to guess or leave out: the place in the spec,
/// and what it did and what to do about it. `--deny-warnings` makes them fatal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Warning {
    /// Where in the document.
    pub pointer: Pointer,
    /// What the generator did, and what would avoid it.
    pub message: String,
}

impl Warning {
    /// Maps the pointer by `locate` where it answers (see [`Error::relocate`]).
    pub fn relocate(&mut self, locate: &dyn Fn(&str) -> Option<String>) {
        if let Some(p) = locate(self.pointer.as_str()) {
            self.pointer = Pointer(p);
        }
    }

    /// A warning at `pointer`.
    pub fn new(pointer: &Pointer, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.clone(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// Result with the generator's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
