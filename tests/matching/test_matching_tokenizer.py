from matching.lexical.tokenizer import Tokenizer, domain_terms


def test_domain_terms_stay_whole() -> None:
    tokens = Tokenizer()("具身智能人形机器人与低空经济无人机，基于大模型和数字孪生")
    for term in ("具身智能", "人形机器人", "低空经济", "无人机", "大模型", "数字孪生"):
        assert term in tokens


def test_user_dictionary_includes_policy_taxonomy() -> None:
    terms = domain_terms()
    assert "车路协同" in terms and "低空经济" in terms


def test_unknown_names_split_into_single_hanzi_come_back_as_bigrams() -> None:
    tokenizer = Tokenizer()
    assert "睿保" in tokenizer("睿保智能定损")
    assert "翼达" in tokenizer("翼达配送网络")
    assert "睿保" not in Tokenizer(bigrams="none")("睿保智能定损")


def test_bigrams_can_be_switched_off_or_on_for_all() -> None:
    text = "医学影像辅助诊断"
    assert "医学" not in Tokenizer(bigrams="none")(text) or "医学" in Tokenizer()(text)
    assert "影像" in Tokenizer(bigrams="all")(text)


def test_stopwords_single_hanzi_and_punctuation_dropped_ascii_folded() -> None:
    tokens = Tokenizer()("我们公司提供的ＡＩ系统，支持ＯＣＲ。")
    assert "公司" not in tokens and "的" not in tokens and "，" not in tokens
    assert "ai" in tokens and "ocr" in tokens
