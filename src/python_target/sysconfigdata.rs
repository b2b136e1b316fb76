//! Reading a target's `_sysconfigdata_*.py` without running it.
