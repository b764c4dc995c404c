//! Reading a run's outcome the way a user reads it: the exit code, then the
//! words stderr must say. One place for the check that ~140 tests make, so
//! a failure always shows the whole run.

use crate::support::Run;

impl Run {
    /// Asserts the exit code and that stderr contains each of `words`.
    #[track_caller]
    pub fn expect_error(self, code: i32, words: &[&str]) -> Run {
        let run = self.expect(code);
        run.says(words);
        run
    }

    /// Asserts that stderr contains each of `words`, whatever the exit code
    /// (checked already by `expect`).
    #[track_caller]
    pub fn says(&self, words: &[&str]) {
        for word in words {
            assert!(
                self.stderr.contains(word),
                "stderr does not say {word:?}; run: {self:#?}"
            );
        }
    }
}
