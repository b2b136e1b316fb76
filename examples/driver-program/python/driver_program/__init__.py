"""Ships the driver-program-hello executable."""


def info() -> None:
    print("driver-program: run driver-program-hello")
