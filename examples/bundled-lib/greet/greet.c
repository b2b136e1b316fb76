#include "greet.h"

int greet_version(void) { return GREET_VERSION; }
