"""The one field two-factor pages ask for: a code from an authenticator app."""

from django import forms

from accounts.two_factor import DIGITS

ENTER_CODE = "Enter the 6-digit code from your authenticator app"
CODE_FORMAT = "The code must be 6 digits, like 123456"
WRONG_CODE = "The code is not right: enter the code your authenticator app shows now"
WAIT = "You entered wrong codes too quickly: wait {seconds} seconds, then try the code again"
TOO_MANY_WRONG = (
    "You entered a wrong code too many times. Sign in again with your username and password."
)
TIMED_OUT = "Your sign-in timed out before you entered a code. Sign in again."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code your authenticator app shows for Golden Thread.",
        error_messages={"required": ENTER_CODE},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": False}
        ),
    )

    def clean_code(self) -> str:
        # Apps show codes as "123 456"; people type them with spaces or a dash.
        code = "".join(self.cleaned_data["code"].replace("-", " ").split())
        if len(code) != DIGITS or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(CODE_FORMAT)
        return code

    def wrong_code(self) -> None:
        self.add_error("code", WRONG_CODE)

    def must_wait(self, seconds: int) -> None:
        self.add_error("code", WAIT.format(seconds=seconds))


class SignInCodeForm(CodeForm):
    """The code as the second step of signing in, where its label is the page's heading."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Enter the code from your authenticator app"
