#pragma once
/* The version this copy of libgreet was built as. */
int greet_version(void);
