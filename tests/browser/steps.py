"""What every browser test does the same way: sign in at Keycloak, click and check the API took
it, pick an option in a select, and wait for a projection to catch up (with a deadline)."""

import re
import time


def until(check, timeout: float = 60.0, what: str = ""):
    """Poll check() until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"not within {timeout}s: {what}"
        time.sleep(0.5)
    return found


def sign_in(page, stack, user: str) -> None:
    page.goto(f"{stack.url}/console/")
    page.get_by_test_id("sign-in").click()
    page.wait_for_url(re.compile(r"/auth/realms/yishi/"))
    page.fill("#username", user)
    page.fill("#password", "yishi-demo")
    page.click("#kc-login")
    page.get_by_test_id("who").wait_for()


def answered(page, path: str, click) -> None:
    """Click and check the API accepted what the click sent."""
    with page.expect_response(lambda r: path in r.url and r.request.method in ("POST", "PUT")) as response:
        click()
    assert response.value.ok, f"{response.value.status} {response.value.text()}"


def reload_until(page, button: str, locator, what: str) -> None:
    """A projection follows a decision a moment later: refresh the list until the row is there."""
    def shown() -> bool:
        if locator.count():
            return True
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state("networkidle")
        return locator.count() > 0

    until(shown, what=what)


def pick(page, select, option: str) -> None:
    select.click()
    page.get_by_role("option", name=option).click()
