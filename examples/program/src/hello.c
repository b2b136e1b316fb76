/* pbc-hello: prints a greeting for each argument, and its version. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("pbc-hello %s\n", HELLO_VERSION);
        return 0;
    }
    for (int i = 1; i < argc; ++i)
        printf("Hello, %s!\n", argv[i]);
    return argc > 1 ? 0 : 1;
}
