import pytest

from casework.errors import InvalidInput
from casework.services.units import credit_code


def test_a_published_code_validates_and_a_changed_digit_does_not():
    # 91350100M000100Y43 is the standard's worked example.
    assert credit_code.validate("91350100m000100y43") == "91350100M000100Y43"
    with pytest.raises(InvalidInput, match="校验位"):
        credit_code.validate("91350100M000100Y44")


@pytest.mark.parametrize("bad", ["", "123", "91350100M000100Y4O", "91350100M000100Y43X", "<script>"])
def test_malformed_codes_are_refused_clearly(bad):
    with pytest.raises(InvalidInput, match="18"):
        credit_code.validate(bad)
