from khabar.stats import gold_counts


def test_counts_add_up(gold):
    c = gold_counts(gold)
    d = gold.documents[0]
    assert c["ner"]["total"] == len(d.ner_mentions) == sum(v for k, v in c["ner"].items() if k != "total")
    assert c["quotes"]["total"] == len(d.quotes)
    assert c["numbers"]["total"] == len(d.numbers)
    assert c["ner forms"]["corrupted"] == sum(m.form == "corrupted" for m in d.ner_mentions)
