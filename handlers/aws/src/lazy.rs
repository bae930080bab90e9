//! Clients built on first use, so a function builds only the SDK clients its routes call.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// An SDK client (or anything) built the first time it is dereferenced, then shared by every
/// clone. A function that never calls Rekognition never builds a Rekognition client.
pub struct Lazy<T> {
    cell: Arc<OnceLock<T>>,
    build: Arc<dyn Fn() -> T + Send + Sync>,
}

impl<T> Lazy<T> {
    /// A value built by `build` on first use.
    pub fn new(build: impl Fn() -> T + Send + Sync + 'static) -> Self {
        Self {
            cell: Arc::new(OnceLock::new()),
            build: Arc::new(build),
        }
    }

    /// Whether the value has been built yet.
    pub fn is_built(&self) -> bool {
        self.cell.get().is_some()
    }
}

impl<T> From<T> for Lazy<T> {
    /// An already built value (tests and the local stage pass their own clients).
    fn from(value: T) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(value);
        Self {
            cell: Arc::new(cell),
            build: Arc::new(|| unreachable!("a ready value is never rebuilt")),
        }
    }
}

impl<T> Deref for Lazy<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.cell.get_or_init(|| (self.build)())
    }
}

impl<T> Clone for Lazy<T> {
    fn clone(&self) -> Self {
        Self {
            cell: self.cell.clone(),
            build: self.build.clone(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cell.get() {
            Some(value) => value.fmt(f),
            None => f.write_str("<not built yet>"),
        }
    }
}
