package nlp

// Word is a dictionary entry: a word the segmenter should keep whole, with a
// frequency (higher wins when cuts compete) and an optional part of speech.
type Word struct {
	Text string `json:"text"`
	Freq int    `json:"freq,omitempty"`
	POS  string `json:"pos,omitempty"`
}

// NotAWord is the part of speech of a lexicon entry that takes a word out
// of the general dictionary instead of adding one. Some rare dictionary
// words straddle the words people mean in this domain and win the cut:
// 供应商报的方案 became 供应/商报 "a newspaper", 楼里弄个机房 楼/里弄 "an
// alley". Editors list such words with this tag (商报 1 x).
const NotAWord = "x"

// SceneWord is the part of speech of a lexicon entry that names the asker's
// world rather than what is asked: who they are and whom they serve (民警,
// 读者, 供应商), where they sit (卫生院, 地下室, 局里). People set the scene
// with such words before they ask, and the general dictionary rates many of
// them rare, so they would weigh as much as the topic; the engine weighs
// them little unless a clause's text uses them (see kb's term weights).
// Editors list them with this tag (敬老院 1 scene). A scene word keeps the
// general dictionary's frequency and part of speech; one the dictionary
// lacks is added with the entry's frequency, so that it is cut whole.
const SceneWord = "scene"

// SynonymGroup is a set of words that mean the same thing in the guidelines'
// context: the formal term first, then the everyday words people use for it.
type SynonymGroup []string
