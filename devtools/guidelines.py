"""The guidelines, as the corpus generator cites them: data only, no randomness.

The MTUS chapters and ACOEM chapter numbers the archive names, the other sources it
cites, and for each kind of request (a topic) the sections cited, what the guidelines
say and the findings a reviewer writes against the request or in its favor.
devtools/corpus.py draws from these tables.
"""
from __future__ import annotations

from dataclasses import dataclass

# MTUS chapters as the archive names them. The Chronic Pain chapter is the 2009
# edition until the 2016 update reaches determinations; the opioid chapter comes with it.
_MTUS_CHAPTERS = {
    "low_back": "Low Back Complaints 2004",
    "neck": "Neck and Upper Back Complaints 2004",
    "shoulder": "Shoulder Complaints 2004",
    "knee": "Knee Complaints 2004",
    "elbow": "Elbow Complaints 2007",
    "hand": "Forearm, Wrist, and Hand Complaints 2004",
    "ankle": "Ankle and Foot Complaints 2004",
    "general": "General Approaches 2004",
    "acupuncture": "Acupuncture Treatment 2007",
    "postsurgical": "Postsurgical Treatment 2009",
    "stress": "Stress Related Conditions 2004",
}
_ACOEM_CHAPTER_NUMBERS = {"low_back": 12, "neck": 8, "shoulder": 9, "knee": 13, "elbow": 10, "hand": 11,
                          "ankle": 14, "general": 7, "stress": 15}
_OTHER_CITATIONS = (
    "{Drug}: Drug information, accessed from UpToDate.com on {date}",
    "UpToDate, {topic}",
    "MedlinePlus, {Drug} drug information",
    "FDA prescribing information, {Drug}",
    "Journal of Pain Research, 2013; 6: 123-131",
    "American Academy of Orthopaedic Surgeons, Clinical Practice Guideline on {topic}",
    "Work Loss Data Institute, {topic}",
)


@dataclass(frozen=True)
class _Topic:
    """What the guidelines say about one kind of request, and what a reviewer finds."""
    name: str                               # "opioids", for "the guidelines on opioids"
    noun: str                               # "medication", "imaging study"
    mtus: tuple[tuple[str, str | None, str | None], ...]  # (chapter key or "region", section, pages)
    odg: tuple[str, ...]                    # topic within the ODG chapter
    odg_chapter: str | None                 # None: the region's chapter
    says: tuple[str, ...]                   # what the guidelines say (a clause)
    against: tuple[str, ...]                # findings that fail the criteria
    favor: tuple[str, ...]                  # findings that meet them
    acoem: bool = False                     # rationales cite ACOEM for this topic


_GENERIC_AGAINST = (
    "there is no documentation of objective functional improvement with prior treatment",
    "the medical records do not clearly establish the rationale for this request",
    "there is no indication that the injured worker has failed a course of conservative care",
    "the documentation does not describe specific functional goals for this treatment",
    "the treating physician did not explain how this request would change the treatment plan",
)
_GENERIC_FAVOR = (
    "the documentation describes objective functional improvement and clear treatment goals",
    "the injured worker has failed an adequate course of conservative care",
    "the treating physician has documented a clear rationale for this request",
)

_TOPICS: dict[str, _Topic] = {
    "opioid": _Topic(
        "opioids", "medication",
        (("chronic", "Opioids, criteria for use", "76-80"), ("chronic", "Opioids for chronic pain", "80-82"),
         ("chronic", "Opioids, long-term assessment", "88-89"), ("chronic", "Opioids, specific drug list", "91-97"),
         ("chronic", "Weaning of Medications", "124"),
         ("opioid", ("3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic "
                    "Opioid Treatment"), None),
         ("opioid", ("3.3 Opioids for Chronic Pain and Chronic Opioid Treatment: Initiating and Monitoring "
                    "Chronic Opioid Treatment"), None),
         ("opioid", "1.4 Opioids for Acute Pain: Opioids for Post-operative Pain", None)),
        ("Opioids", "Opioids, criteria for use", "Opioids for chronic pain", "Weaning, opioids"), "Pain (Chronic)",
        ("opioids should be continued only when there is documented functional improvement and a decrease in pain",
         ("ongoing management of opioid therapy requires documentation of the 4 A's: analgesia, activities of "
         "daily living, adverse side effects, and aberrant drug taking behaviors"),
         "opioids are not recommended as a first line treatment for chronic non-malignant pain",
         ("a satisfactory response to treatment may be indicated by decreased pain, an increased level of "
         "function, or improved quality of life"),
         "the lowest possible dose should be prescribed to improve pain and function",
         "the total daily dose of opioids should not exceed 120 mg oral morphine equivalents",
         "chronic pain can have a mixed physiologic etiology of both neuropathic and nociceptive components",
         "screening for the risk of addiction is recommended prior to initiating opioid therapy"),
        ("there is no documentation of objective functional improvement with the ongoing use of {drug}",
         "there is no recent urine drug screen or signed opioid agreement in the records",
         "pain scores with and without medication are not documented",
         "the injured worker has been taking {drug} for an extended period without documented benefit",
         "the records do not address the 4 A's of ongoing opioid management",
         "the current morphine equivalent dose exceeds the recommended maximum",
         "there was no indication the patient has trialed and failed non-opioid analgesics"),
        ("{drug} reduces the injured worker's pain from 8/10 to 4/10 and allows walking for 30 minutes",
         "there is documentation of improved ability to perform activities of daily living with {drug}",
         ("a recent urine drug screen was consistent with the prescribed medications and an opioid agreement is "
         "on file"),
         ("the prescribing physician documents analgesia, function, side effects and the absence of aberrant "
         "behavior at each visit")),
    ),
    "benzo": _Topic(
        "benzodiazepines", "medication",
        (("chronic", "Benzodiazepines", "24"), ("chronic", "Weaning of Medications", "124")),
        ("Benzodiazepines",), "Pain (Chronic)",
        (("benzodiazepines are not recommended for long term use because long term efficacy is unproven and "
         "there is a risk of dependence"),
         "most guidelines limit the use of benzodiazepines to 4 weeks",
         "tolerance to the hypnotic effects of benzodiazepines develops rapidly",
         "benzodiazepines are the treatment of choice in very few conditions"),
        ("{drug} has been prescribed for longer than the 4 weeks the guidelines support",
         "there is no documentation of an anxiety disorder for which {drug} would be indicated",
         "there is no documentation of functional improvement from the use of {drug}"),
        ("{drug} is being used for a short course to manage acute anxiety with a documented taper plan",
         "the request represents a taper of {drug} after long term use"),
    ),
    "muscle_relaxant": _Topic(
        "muscle relaxants", "medication",
        (("chronic", "Muscle relaxants (for pain)", "63-66"), ("chronic", "Cyclobenzaprine (Flexeril)", "41-42"),
         ("chronic", "Carisoprodol (Soma)", "29")),
        ("Muscle relaxants (for pain)", "Cyclobenzaprine (Flexeril)"), "Pain (Chronic)",
        (("non-sedating muscle relaxants are recommended with caution as a second line option for the short "
         "term treatment of acute exacerbations of chronic low back pain"),
         "muscle relaxants are not recommended for longer than 2 to 3 weeks",
         "in most cases of low back pain, muscle relaxants show no benefit beyond NSAIDs",
         "efficacy of muscle relaxants appears to diminish over time and prolonged use may lead to dependence"),
        ("{drug} has been prescribed for longer than the short course the guidelines support",
         "there is no documentation of an acute exacerbation or muscle spasm on examination",
         "the quantity requested exceeds a short course of treatment"),
        ("the injured worker has an acute exacerbation with palpable muscle spasm on examination",
         "this is a short course of {drug} for an acute flare of low back pain"),
    ),
    "nsaid": _Topic(
        "NSAIDs", "medication",
        (("chronic", "NSAIDs (non-steroidal anti-inflammatory drugs)", "67-73"),
         ("chronic", "NSAIDs, specific drug list & adverse effects", "70-73"),
         ("chronic", "Anti-inflammatory medications", "22")),
        ("NSAIDs (non-steroidal anti-inflammatory drugs)",), "Pain (Chronic)",
        (("NSAIDs are recommended at the lowest dose for the shortest period in patients with moderate to "
         "severe pain"),
         "NSAIDs are recommended as an option for short term symptomatic relief of chronic low back pain",
         ("anti-inflammatory medications are the traditional first line of treatment to reduce pain so "
         "activity and functional restoration can resume")),
        ("there is no documentation of pain relief or functional improvement with {drug}",
         "the injured worker has been taking {drug} long term without documented benefit",
         "there is no indication that renal function and blood pressure are being monitored"),
        ("{drug} is documented to reduce pain and improve function without adverse effects",
         "the injured worker has osteoarthritis and NSAIDs are a first line treatment"),
    ),
    "gi": _Topic(
        "proton pump inhibitors", "medication",
        (("chronic", "NSAIDs, GI symptoms & cardiovascular risk", "68-69"),
         ("chronic", "Proton Pump Inhibitors (PPIs)", None)),
        ("Proton pump inhibitors (PPIs)",), "Pain (Chronic)",
        (("proton pump inhibitors are recommended for patients at intermediate or high risk for "
         "gastrointestinal events"),
         ("risk factors for gastrointestinal events include age over 65, a history of peptic ulcer or GI "
         "bleeding, and concurrent use of aspirin, corticosteroids or anticoagulants"),
         "patients with no risk factor and no cardiovascular disease do not require a proton pump inhibitor"),
        ("there are no documented gastrointestinal complaints or risk factors",
         "the injured worker is not taking an NSAID", "the records do not document dyspepsia or reflux"),
        ("the injured worker has a history of gastrointestinal bleeding and takes an NSAID",
         "the injured worker is over 65 and takes an NSAID daily"),
    ),
    "anticonvulsant": _Topic(
        "antiepilepsy drugs", "medication",
        (("chronic", "Antiepilepsy drugs (AEDs)", "16-18"), ("chronic", "Gabapentin (Neurontin)", "18-19"),
         ("chronic", "Pregabalin (Lyrica)", "19-20")),
        ("Anti-epilepsy drugs (AEDs) for pain",), "Pain (Chronic)",
        ("antiepilepsy drugs are recommended for neuropathic pain",
         ("a good response to the use of antiepilepsy drugs has been defined as a 50% reduction in pain and a "
         "moderate response as a 30% reduction"),
         ("after initiation of treatment there should be documentation of pain relief and improvement in "
         "function as well as side effects")),
        ("there is no documentation of at least a 30% reduction in pain with {drug}",
         "there is no clear evidence of neuropathic pain on examination",
         "the records do not document improvement in function with {drug}"),
        ("the injured worker has radicular pain and reports a 50% reduction in pain with {drug}",
         "there is objective evidence of neuropathic pain and improved function with {drug}"),
    ),
    "antidepressant": _Topic(
        "antidepressants", "medication",
        (("chronic", "Antidepressants for chronic pain", "13-16"), ("stress", None, None)),
        ("Antidepressants for chronic pain", "Mental Illness & Stress, Antidepressants"), "Pain (Chronic)",
        (("antidepressants are recommended as a first line option for neuropathic pain and as a possibility for "
         "non-neuropathic pain"),
         ("assessment of treatment efficacy should include pain outcomes, evaluation of function, changes in "
         "use of other analgesic medication, sleep quality and duration, and psychological assessment")),
        ("there is no documentation of depression or neuropathic pain for which {drug} is indicated",
         "the records do not document any benefit from {drug}"),
        ("the injured worker has neuropathic pain and depressive symptoms that have improved with {drug}",
         "{drug} has improved sleep and mood and allowed a reduction in opioid use"),
    ),
    "sleep": _Topic(
        "insomnia treatment", "medication",
        (("chronic", "Insomnia treatment", None),),
        ("Insomnia treatment", "Zolpidem (Ambien)"), "Pain (Chronic)",
        ("hypnotics are recommended for the short term treatment of insomnia, generally 7 to 10 days",
         "proper sleep hygiene is critical to the individual with chronic pain",
         "zolpidem is approved for the short term treatment of insomnia, usually two to six weeks"),
        ("{drug} has been used nightly for months, far beyond the short term use the guidelines support",
         "there is no documentation of a sleep evaluation or of sleep hygiene measures",
         "the records do not document improvement in sleep onset or duration"),
        ("the injured worker has documented insomnia and this is a short course of {drug}",),
    ),
    "topical": _Topic(
        "topical analgesics", "medication",
        (("chronic", "Topical analgesics", "111-113"), ("chronic", "Lidoderm (lidocaine patch)", "56-57"),
         ("chronic", "Compound drugs", None), ("chronic", "Flector patch (diclofenac epolamine)", None),
         ("chronic", "Salicylate topicals", "105")),
        ("Topical analgesics", "Lidoderm (lidocaine patch)", "Compound creams"), "Pain (Chronic)",
        (("topical analgesics are largely experimental in use with few randomized controlled trials to "
         "determine efficacy or safety"),
         ("any compounded product that contains at least one drug or drug class that is not recommended is "
         "not recommended"),
         ("topical lidocaine may be recommended for localized peripheral pain after there has been evidence of "
         "a trial of first line therapy"),
         "topical NSAIDs are indicated for osteoarthritis of joints that lend themselves to topical treatment"),
        ("there is no documentation that first line oral agents have been tried and failed",
         "the compounded product contains ingredients that are not recommended",
         "there is no documentation of localized neuropathic pain"),
        ("the injured worker has localized neuropathic pain and has failed gabapentin and amitriptyline",
         "the injured worker cannot tolerate oral NSAIDs and has osteoarthritis of a superficial joint"),
    ),
    "medication_other": _Topic(
        "medications", "medication",
        (("chronic", "Medications for chronic pain", "60-61"), ("general", None, None)),
        ("Medications for acute pain (analgesics)",), "Pain (Chronic)",
        ("medication should be given with a clear indication and documentation of benefit",
         ("relief of pain with the use of medications is generally temporary, and measures of the lasting "
         "benefit from this modality should include evaluating the effect of pain relief on function")),
        ("the records do not document the indication for {drug}",
         "there is no documented benefit from {drug}", "the medical necessity of {drug} is not explained"),
        ("the records document a clear indication for {drug} and benefit from its use",),
    ),
    # -- imaging -------------------------------------------------------------------
    "imaging_spine": _Topic(
        "special studies of the spine", "imaging study",
        (("region", "Special Studies", None), ("region", "Diagnostic Criteria", None),
         ("region", "Special Studies and Diagnostic and Treatment Considerations", None)),
        ("MRI (magnetic resonance imaging)", "Indications for imaging", "CT (computed tomography)"), None,
        (("unequivocal objective findings that identify specific nerve compromise on the neurologic examination "
         "are sufficient evidence to warrant imaging in patients who do not respond to treatment"),
         "imaging is recommended when red flags are present or when surgery is being considered",
         ("repeat MRI is not routinely recommended and should be reserved for a significant change in symptoms "
         "or findings suggestive of significant pathology"),
         ("when the neurologic examination is less clear, further physiologic evidence of nerve dysfunction should "
         "be obtained before ordering an imaging study")),
        ("there are no red flags or progressive neurologic deficits documented",
         "the injured worker has not completed a course of conservative care",
         "there is no documentation that surgery is being considered",
         "a prior MRI was performed and there has been no significant change in symptoms",
         "there is no evidence of specific nerve compromise on examination"),
        ("there are progressive neurologic deficits documented on serial examinations",
         "the injured worker has failed six weeks of conservative care and surgery is being considered",
         "there is documented weakness and a dermatomal sensory deficit"),
        acoem=True,
    ),
    "imaging_joint": _Topic(
        "special studies", "imaging study",
        (("region", "Special Studies", None), ("region", "Diagnostic Criteria", None),
         ("region", "Initial Care", None)),
        ("MRI (magnetic resonance imaging)", "Indications for imaging", "Arthrography", "Ultrasound, diagnostic"),
        None,
        (("for most patients, special studies are not needed unless a period of conservative care and observation "
         "fails to improve symptoms"),
         ("MRI is recommended for the evaluation of a suspected tear or internal derangement when conservative "
         "care has failed and surgery is being considered"),
         "routine imaging is not recommended in the absence of red flags or a significant change in symptoms",
         ("imaging may be considered when physiologic evidence indicates tissue insult or to clarify anatomy "
         "prior to an invasive procedure")),
        ("there has been no trial of conservative care before imaging was requested",
         "the examination does not suggest a tear or internal derangement",
         "there is no documentation that surgery is being considered",
         "a prior study was performed and there has been no significant change in symptoms"),
        ("the examination suggests a full thickness tear and six weeks of conservative care have failed",
         "there is mechanical locking and a positive provocative test on examination",
         "surgery is being considered and the anatomy needs to be clarified"),
        acoem=True,
    ),
    "xray": _Topic(
        "radiography", "x-ray",
        (("region", "Special Studies", None), ("region", "Initial Care", None), ("region", "Summary", None)),
        ("Radiography (x-rays)", "X-Ray"), None,
        (("radiographs are not recommended in the absence of red flags for serious pathology, even if the pain "
         "has persisted for at least 6 weeks"),
         "plain films are recommended for patients with a history of significant trauma or suspected fracture",
         "repeat radiographs are not recommended unless there has been a change in the clinical picture"),
        ("there are no red flags for fracture, infection or tumor documented",
         "radiographs were obtained at the time of injury and there has been no new trauma",
         "the examination has not changed since the last set of films"),
        ("the injured worker had a new fall with point tenderness over the bone",
         "hardware placed at surgery needs to be evaluated for loosening"),
        acoem=True,
    ),
    # -- testing -------------------------------------------------------------------
    "emg": _Topic(
        "electrodiagnostic testing", "electrodiagnostic study",
        (("chronic", "Electrodiagnostic testing (EMG/NCS)", None), ("region", "Special Studies", None),
         ("region", "Diagnostic Criteria", None)),
        ("Electrodiagnostic studies (EDS)", "EMGs (electromyography)", "Nerve conduction studies (NCS)"), None,
        (("electromyography may be useful to identify subtle focal neurologic dysfunction in patients with "
         "symptoms lasting more than three or four weeks"),
         ("nerve conduction studies are not recommended for the lower extremities when the patient is presumed "
         "to have symptoms on the basis of radiculopathy"),
         "electromyography is not necessary if radiculopathy is already clinically obvious"),
        ("radiculopathy is already clinically obvious",
         "there are no neurologic findings on examination to explain",
         "the injured worker had electrodiagnostic testing last year and the findings have not changed",
         "symptoms have been present for less than four weeks"),
        ("the injured worker has numbness in a non-dermatomal distribution that requires clarification",
         ("there are new sensory findings and a peripheral neuropathy needs to be distinguished from "
         "radiculopathy")),
    ),
    "uds": _Topic(
        "drug testing", "drug screen",
        (("chronic", "Drug testing", "43"), ("chronic", "Opioids, steps to avoid misuse/addiction", "94-95"),
         ("opioid", "3.3.4 Opioids for Chronic Pain and Chronic Opioid Treatment: Urine Drug Testing", None)),
        ("Urine drug testing (UDT)",), "Pain (Chronic)",
        ("drug testing is recommended as an option to assess for the use or presence of illegal drugs",
         "urine drug testing frequency should be based on the documented risk stratification",
         ("patients at low risk of addiction or aberrant behavior should be tested within six months of "
         "initiation of therapy and on a yearly basis thereafter")),
        ("the injured worker is at low risk of aberrant behavior and had a consistent screen this year",
         "the injured worker is not taking opioids",
         "there is no documented risk stratification to support the frequency of testing"),
        ("the injured worker takes opioids daily and has not been tested in over a year",
         "the last screen was inconsistent with the prescribed medications"),
    ),
    "fce": _Topic(
        "functional capacity evaluations", "evaluation",
        (("general", "Independent Medical Examinations and Consultations", None),
         ("general", "Work Activities", None), ("chronic", "Work conditioning, work hardening", "125")),
        ("Functional capacity evaluation (FCE)", "Fitness for duty"), "Fitness for Duty",
        (("a functional capacity evaluation may be considered when case management is hampered by complex "
         "issues such as prior unsuccessful return to work attempts"),
         ("functional capacity evaluations are not recommended as routine use as part of occupational "
         "rehabilitation or screening"),
         "the injured worker should be close to or at maximum medical improvement before an evaluation"),
        ("there is no documentation of prior unsuccessful return to work attempts",
         "the injured worker is not at maximum medical improvement",
         "there is no documentation of a specific job to return to"),
        ("the injured worker is at maximum medical improvement and has failed two attempts to return to work",),
    ),
    "labs": _Topic(
        "diagnostic testing", "test",
        (("general", "Special Studies", None), ("chronic", "NSAIDs, specific drug list & adverse effects", "70"),
         ("general", "Independent Medical Examinations and Consultations", None)),
        ("Preoperative lab testing", "Polysomnography", "EEG (neurofeedback)", ("Genetic testing for potential "
         "opioid abuse"), "Office visits"), "Pain (Chronic)",
        ("laboratory testing is recommended when it is likely to change the management of the condition",
         ("periodic laboratory monitoring of a chemistry profile and complete blood count is recommended for "
         "patients on long term NSAID therapy"),
         "genetic testing for potential opioid abuse is not recommended",
         ("polysomnography is recommended after at least six months of insomnia that is unresponsive to "
         "behavioral intervention and sedative medications")),
        ("there is no documented indication for this testing",
         "the results would not change the treatment plan",
         "there are no symptoms or examination findings that this test would clarify"),
        ("the injured worker has been on NSAIDs for over a year with no laboratory monitoring",
         "there are new symptoms that require this testing to guide treatment"),
    ),
    # -- physical medicine ----------------------------------------------------------
    "pt": _Topic(
        "physical medicine", "therapy",
        (("chronic", "Physical medicine treatment", "98-99"), ("region", "Physical Methods", None),
         ("region", "Initial Care", None)),
        ("Physical therapy", "Physical medicine treatment", "Physical/Occupational therapy"), None,
        (("physical medicine is recommended for 9 to 10 visits over 8 weeks for myalgia and myositis and 8 to "
         "10 visits over 4 weeks for neuralgia, neuritis, and radiculitis"),
         ("the guidelines allow for fading of treatment frequency plus active self-directed home physical "
         "medicine"),
         ("active therapy is recommended for restoring flexibility, strength, endurance, function, range of "
         "motion, and can alleviate discomfort"),
         ("continued therapy is contingent upon objective functional improvement from the treatment already "
         "given")),
        ("the injured worker has already completed {n} sessions without documented functional improvement",
         "the number of sessions requested exceeds the guideline recommendation",
         "there is no reason given why the injured worker cannot continue with a home exercise program",
         "multiple physical modalities being performed at the same time is not supported"),
        (("the injured worker has not had therapy for this injury and has documented deficits in strength and "
         "range of motion"),
         "the prior course produced objective improvement in range of motion and function"),
    ),
    "postop_pt": _Topic(
        "postsurgical physical medicine", "therapy",
        (("postsurgical", None, None), ("postsurgical", "General", None)),
        ("Physical therapy", "Postsurgical treatment"), None,
        (("the initial course of postsurgical therapy is one half of the number of visits specified in the "
         "general course of therapy for the specific surgery"),
         "postsurgical physical medicine is supported when the associated surgery is medically necessary",
         ("with documentation of functional improvement, a subsequent course of therapy may be prescribed within "
         "the postsurgical treatment period")),
        ("the associated surgical procedure has not been found medically necessary",
         "the number of sessions requested exceeds the initial course the guidelines allow"),
        (("the associated surgical procedure has been found medically necessary and the number of sessions "
         "is within the initial course"),),
    ),
    "acupuncture": _Topic(
        "acupuncture", "acupuncture",
        (("acupuncture", None, None),),
        ("Acupuncture",), "Pain (Chronic)",
        (("acupuncture is used as an option when pain medication is reduced or not tolerated, and may be used "
         "as an adjunct to physical rehabilitation"),
         ("the time to produce functional improvement is 3 to 6 treatments, and acupuncture treatments may be "
         "extended if functional improvement is documented"),
         "the optimum duration of acupuncture is 1 to 2 months"),
        ("the injured worker has completed {n} acupuncture sessions without documented functional improvement",
         "the number of sessions requested exceeds the initial trial of 3 to 6 treatments",
         "there is no indication that pain medication is being reduced or not tolerated"),
        ("this is an initial trial of acupuncture within the recommended number of treatments",
         "the prior sessions allowed a documented reduction in medication use and improved sitting tolerance"),
    ),
    "chiro": _Topic(
        "manual therapy and manipulation", "treatment",
        (("chronic", "Manual therapy & manipulation", "58-59"), ("region", "Physical Methods", None)),
        ("Manipulation", "Chiropractic guidelines"), None,
        ("manual therapy and manipulation are recommended for chronic pain caused by musculoskeletal conditions",
         ("a trial of 6 visits over 2 weeks is recommended, with evidence of objective functional improvement "
         "allowing up to 18 visits over 6 to 8 weeks"),
         "elective or maintenance care is not medically necessary",
         ("manipulation is not recommended for the knee, the ankle and foot, carpal tunnel syndrome, or the "
         "forearm, wrist and hand")),
        ("the injured worker has completed {n} chiropractic visits without documented functional improvement",
         "the number of visits requested exceeds the initial trial",
         "this is maintenance care, which is not medically necessary"),
        ("this is an initial trial of manipulation within the recommended number of visits",
         "the prior visits produced objective improvement in range of motion and a return to full duty"),
    ),
    "aquatic": _Topic(
        "aquatic therapy", "therapy",
        (("chronic", "Aquatic therapy", "22"), ("chronic", "Physical medicine treatment", "98-99")),
        ("Aquatic therapy",), None,
        (("aquatic therapy is recommended as an optional form of exercise therapy where reduced weight bearing "
         "is desirable, for example extreme obesity"),
         "the number of aquatic therapy sessions follows the physical medicine guidelines"),
        ("there is no documentation of a need for reduced weight bearing",
         "the number of sessions requested exceeds the guideline recommendation"),
        ("the injured worker is morbidly obese and cannot tolerate land based therapy",),
    ),
    "massage": _Topic(
        "massage therapy", "therapy",
        (("chronic", "Massage therapy", "60"), ("chronic", "Physical medicine treatment", "98-99")),
        ("Massage", "Myofascial release"), None,
        (("massage therapy is recommended as an option in conjunction with other recommended treatment such as "
         "exercise, and it should be limited to 4 to 6 visits in most cases"),
         "massage is a passive intervention and treatment dependence should be avoided"),
        ("massage is not being used as an adjunct to an active exercise program",
         "the number of sessions requested exceeds the 4 to 6 visits the guidelines recommend"),
        ("massage is requested as an adjunct to an active exercise program for a limited number of visits",),
    ),
    "modalities": _Topic(
        "passive modalities", "modality",
        (("region", "Physical Methods", None), ("chronic", "Ultrasound, therapeutic", "123"),
         ("chronic", "Physical medicine treatment", "98-99")),
        ("Infrared therapy (IR)", "Ultrasound, therapeutic", "Electrical stimulation"), None,
        (("passive physical modalities such as infrared heat, ultrasound and electrical stimulation have no "
         "proven efficacy in treating acute or chronic pain"),
         "therapeutic ultrasound is not recommended",
         "passive modalities may be used sparingly in the initial phase of care with active therapy"),
        ("the request is for passive treatment without an active therapy program",
         "the injured worker is well beyond the initial phase of care"),
        ("the modality is requested for a short period in the initial phase of care along with active therapy",),
    ),
    "work_hardening": _Topic(
        "work conditioning and work hardening", "program",
        (("chronic", "Work conditioning, work hardening", "125"),),
        ("Work conditioning (WC)", "Work hardening"), "Fitness for Duty",
        ("work hardening requires a defined return to work goal agreed to by the employer and employee",
         "the worker must be no more than 2 years past the date of injury to enter a work hardening program",
         "a functional capacity evaluation showing consistent results with maximal effort is required"),
        ("there is no documented return to work goal agreed to by the employer",
         "the injured worker is more than 2 years past the date of injury",
         "there is no functional capacity evaluation in the records"),
        ("there is a job offer with a defined return to work goal and a valid functional capacity evaluation",),
    ),
    # -- injections ------------------------------------------------------------------
    "esi": _Topic(
        "epidural steroid injections", "injection",
        (("chronic", "Epidural steroid injections (ESIs)", "46"), ("region", "Physical Methods", None)),
        ("Epidural steroid injections (ESIs)",), None,
        (("radiculopathy must be documented by physical examination and corroborated by imaging studies and/or "
         "electrodiagnostic testing"),
         ("repeat blocks should be based on continued objective documented pain and functional improvement, "
         "including at least 50% pain relief with an associated reduction of medication use for six to eight "
         "weeks"),
         "the injured worker must be initially unresponsive to conservative treatment",
         "no more than two nerve root levels should be injected using transforaminal blocks"),
        ("radiculopathy is not corroborated by imaging or electrodiagnostic studies",
         "there was less than 50% relief from the prior injection",
         "there are no radicular findings on examination",
         "the request exceeds two nerve root levels"),
        ("radiculopathy is documented on examination and corroborated by MRI",
         "the prior injection gave more than 50% relief for eight weeks and reduced medication use"),
    ),
    "facet": _Topic(
        "facet joint procedures", "procedure",
        (("chronic", "Facet joint intra-articular injections", None), ("region", "Physical Methods", None),
         ("region", "Summary", None)),
        ("Facet joint diagnostic blocks (injections)", "Facet joint radiofrequency neurotomy",
         "Facet joint intra-articular injections (therapeutic blocks)"), None,
        (("facet joint injections are limited to patients with pain that is non-radicular and at no more than "
         "two levels bilaterally"),
         ("one set of diagnostic medial branch blocks is required with a response of at least 70% before "
         "radiofrequency neurotomy"),
         "invasive techniques such as facet joint injections are of questionable merit"),
        ("the injured worker has radicular findings, which is an exclusion for this procedure",
         "there is no documentation of a successful diagnostic medial branch block",
         "the request exceeds two levels"),
        ("the pain is non-radicular, there is facet tenderness, and conservative care has failed",
         "diagnostic medial branch blocks gave more than 70% relief"),
    ),
    "tpi": _Topic(
        "trigger point injections", "injection",
        (("chronic", "Trigger point injections", "122"),),
        ("Trigger point injections",), "Pain (Chronic)",
        (("trigger point injections are recommended only for myofascial pain syndrome with circumscribed "
         "trigger points with evidence upon palpation of a twitch response as well as referred pain"),
         ("repeat injections require greater than 50% pain relief for six weeks with documented functional "
         "improvement"),
         "trigger point injections are not recommended for radicular pain"),
        ("there are no trigger points with a twitch response documented",
         "the injured worker has radicular pain",
         "there was no documented relief from prior injections"),
        ("circumscribed trigger points with a twitch response and referred pain are documented",),
    ),
    "joint_injection": _Topic(
        "corticosteroid injections", "injection",
        (("region", "Initial Care", None), ("region", "Summary", None), ("region", "Physical Methods", None)),
        ("Steroid injections", "Corticosteroid injections", "Injections"), None,
        (("two or three subacromial injections of local anesthetic and cortisone preparation over an extended "
         "period are recommended as part of an exercise rehabilitation program"),
         ("corticosteroid injections are recommended for short term relief when conservative treatment has "
         "failed"),
         "invasive techniques have limited proven value"),
        ("there is no documentation of an exercise rehabilitation program",
         "the prior injection did not provide lasting relief",
         "the injured worker has had three injections in the past year"),
        ("the injured worker has failed six weeks of therapy and anti-inflammatory medication",
         "this is the first injection and is part of an exercise program"),
    ),
    "hyaluronic": _Topic(
        "hyaluronic acid injections", "injection",
        (("region", "Summary", None),),
        ("Hyaluronic acid injections",), None,
        (("hyaluronic acid injections are recommended as an option for severe osteoarthritis in patients who "
         "have not responded adequately to conservative treatment"),
         "repeat injections may be reasonable with documented significant improvement for six months or more"),
        ("there is no radiographic evidence of severe osteoarthritis",
         "the injured worker has not failed corticosteroid injections",
         "the prior series did not give six months of relief"),
        ("radiographs show severe osteoarthritis and steroid injections and therapy have failed",),
    ),
    "prp": _Topic(
        "platelet rich plasma injections", "injection",
        (("region", "Initial Care", None),),
        ("Platelet-rich plasma (PRP)",), None,
        ("platelet rich plasma injections are under study and are not recommended outside of a research setting",
         "the evidence for platelet rich plasma remains limited"),
        ("the requested procedure is not recommended by the guidelines",
         "the injured worker has not completed conservative care"),
        ("the injured worker has failed all other treatment for twelve months and surgery is the alternative",),
    ),
    # -- surgery ---------------------------------------------------------------------
    "surgery_spine": _Topic(
        "surgical considerations for the spine", "procedure",
        (("region", "Surgical Considerations", None), ("region", "Summary", None)),
        ("Discectomy/laminectomy", "Fusion (spinal)", "Indications for surgery", ("Discectomy-laminectomy-"
         "laminoplasty")), None,
        (("surgical consultation is indicated for patients who have clear clinical, imaging and "
         "electrophysiologic evidence of a lesion that has been shown to benefit from surgical repair"),
         "spinal fusion is not recommended in the absence of fracture, dislocation, or instability",
         "a psychological screen is recommended before spinal surgery"),
        ("there is no imaging evidence of a lesion that correlates with the examination",
         "there is no documented instability on flexion and extension films",
         "a psychological screening has not been performed",
         "the injured worker has not completed a course of conservative care"),
        ("there is progressive weakness and imaging confirms compression of the nerve root",
         "flexion and extension films show instability at the requested level"),
        acoem=True,
    ),
    "surgery_joint": _Topic(
        "surgical considerations", "procedure",
        (("region", "Surgical Considerations", None), ("region", "Summary", None)),
        ("Indications for surgery", "Arthroscopic surgery", "Surgery for rotator cuff repair",
         "Carpal tunnel release surgery (CTR)", "Meniscectomy"), None,
        (("surgery is indicated when there is activity limitation for more than three months and failure of "
         "exercise programs"),
         ("referral for surgical consultation may be indicated for patients who have clear clinical and imaging "
         "evidence of a lesion that has been shown to benefit from surgical repair"),
         ("the guidelines require failure of conservative care, including injection, before surgery is "
         "considered")),
        ("the injured worker has not completed a course of conservative care, including injection",
         "the imaging findings do not correlate with the examination",
         "there is no documentation of activity limitation for more than three months"),
        ("the MRI shows a full thickness tear that correlates with the examination",
         "the injured worker has failed six months of conservative care, including injections",
         "electrodiagnostic testing confirms moderate compression and conservative care has failed"),
        acoem=True,
    ),
    "scs": _Topic(
        "spinal cord stimulators", "procedure",
        (("chronic", "Spinal cord stimulators (SCS)", "105-107"), ("chronic", ("Psychological evaluations, IDDS & "
                                                                    "SCS"), "101")),
        ("Spinal cord stimulators (SCS)",), "Pain (Chronic)",
        (("spinal cord stimulators are recommended only for selected patients in cases when less invasive "
         "procedures have failed or are contraindicated"),
         "a psychological evaluation is required before a spinal cord stimulator trial"),
        ("there is no psychological clearance in the records",
         "less invasive procedures have not been tried"),
        (("the injured worker has failed back surgery syndrome, has failed less invasive treatment and has "
         "psychological clearance"),),
    ),
    "associated": _Topic(
        "perioperative services", "service",
        (("postsurgical", None, None), ("region", "Surgical Considerations", None), ("general", None, None)),
        ("Surgical assistant", "Hospital length of stay (LOS)", "Postoperative abduction pillow sling",
         "Walking aids (canes, crutches, braces, orthoses, & walkers)", "Bone growth stimulators (BGS)"), None,
        ("this service is supported only when the associated surgical procedure is medically necessary",
         "the guidelines support postoperative equipment that is appropriate to the surgery performed",
         "the recommended hospital length of stay depends on the surgery performed"),
        ("the associated surgical procedure has not been found medically necessary",
         "the duration requested exceeds the guideline recommendation"),
        ("the associated surgical procedure has been found medically necessary",),
    ),
    "preop": _Topic(
        "preoperative testing", "service",
        (("general", None, None), ("region", "Surgical Considerations", None)),
        ("Preoperative testing, general", "Preoperative lab testing", "Preoperative electrocardiogram (ECG)"),
        "Low Back",
        (("preoperative testing is guided by the patient's clinical history, comorbidities, and physical "
         "examination findings"),
         "preoperative testing is supported when the associated surgery is medically necessary",
         ("an electrocardiogram is recommended for patients undergoing high risk surgery or with cardiac risk "
         "factors")),
        ("the associated surgical procedure has not been found medically necessary",
         "there are no comorbidities documented that would require this testing"),
        (("the associated surgical procedure has been found medically necessary and the injured worker has "
         "hypertension and diabetes"),),
    ),
    "cold": _Topic(
        "cold therapy", "equipment",
        (("region", "Initial Care", None), ("region", "Physical Methods", None), ("postsurgical", None, None)),
        ("Continuous-flow cryotherapy", "Cold/heat packs", "Cold compression therapy"), None,
        ("continuous flow cryotherapy is recommended as an option after surgery for up to 7 days",
         "at home local applications of heat or cold are as effective as those performed by therapists",
         "cold compression therapy is not recommended"),
        ("the rental period exceeds the 7 days the guidelines support",
         "simple ice packs would be as effective", "the associated surgery has not been found medically necessary"),
        ("the associated surgery has been found medically necessary and the rental is for 7 days",),
    ),
    # -- equipment -------------------------------------------------------------------
    "tens": _Topic(
        "electrical stimulation units", "unit",
        (("chronic", "TENS, chronic pain (transcutaneous electrical nerve stimulation)", "114-116"),
         ("chronic", "Interferential Current Stimulation (ICS)", "118-120"), ("chronic", "H-wave stimulation", "117")),
        ("TENS (transcutaneous electrical nerve stimulation)", "Interferential current stimulation (ICS)",
         "H-wave stimulation (HWT)"), "Pain (Chronic)",
        (("a one month home based trial of TENS may be considered as a non-invasive option if used as an "
         "adjunct to a program of evidence based functional restoration"),
         "interferential current stimulation is not recommended as an isolated intervention",
         ("H-wave stimulation is not recommended as an isolated intervention, but a one month trial may be "
         "considered after failure of TENS")),
        ("there is no documentation of a successful one month trial",
         "the unit would not be used as an adjunct to functional restoration",
         "there is no documentation of how often the unit was used or of its outcome"),
        ("a one month trial produced a documented reduction in pain and medication use",),
    ),
    "brace": _Topic(
        "braces and supports", "equipment",
        (("region", "Physical Methods", None), ("region", "Initial Care", None)),
        ("Lumbar supports", "Knee brace", "Splints", "Orthoses"), None,
        (("lumbar supports have not been shown to have any lasting benefit beyond the acute phase of symptom "
         "relief"),
         ("a brace can be used for patellar instability, anterior cruciate ligament tear, or medial collateral "
         "ligament instability"),
         "splinting is recommended as a first line conservative treatment for carpal tunnel syndrome"),
        ("the injured worker is well beyond the acute phase of symptom relief",
         "there is no documented instability", "there is no documentation of how the brace would improve function"),
        ("the injured worker has documented ligamentous instability on examination",
         "the brace is needed after the authorized surgery"),
    ),
    "dme": _Topic(
        "durable medical equipment", "equipment",
        (("region", "Initial Care", None), ("general", None, None)),
        ("Durable medical equipment (DME)", "Cervical pillow", "Mattress selection", ("Walking aids (canes, "
         "crutches, braces, orthoses, & walkers)")), None,
        (("durable medical equipment is recommended if there is a medical need and the device is appropriate for "
         "use in the home and could withstand repeated use"),
         "the guidelines do not recommend equipment that is primarily for convenience",
         ("there are no high quality studies to support the purchase of any type of specialized mattress or "
         "pillow")),
        ("there is no documented medical need for the equipment",
         "the equipment is primarily for convenience", "the injured worker ambulates without an assistive device"),
        ("the injured worker has documented gait instability and falls",
         "the equipment is needed for safe function at home after surgery"),
    ),
    # -- psychological and other services ----------------------------------------------
    "psych": _Topic(
        "psychological treatment", "psychological service",
        (("chronic", "Psychological treatment", "101-102"), ("chronic", "Behavioral interventions", "23"),
         ("stress", None, None), ("chronic", "Psychological evaluations", "100-101")),
        ("Cognitive therapy for depression", "Psychotherapy guidelines", "Psychological evaluations"),
        "Mental Illness & Stress",
        (("psychological treatment is recommended for appropriately identified patients during treatment for "
         "chronic pain"),
         ("an initial trial of 3 to 4 psychotherapy visits over 2 weeks is recommended, with up to 10 visits "
         "with evidence of objective functional improvement"),
         "psychological evaluations are recommended and are well established diagnostic procedures"),
        ("the injured worker has completed {n} sessions without documented objective functional improvement",
         "the number of sessions requested exceeds an initial trial",
         "there is no documentation of psychological symptoms that would warrant this treatment"),
        (("the injured worker has documented depression and anxiety and has not yet had psychological "
         "treatment"),
         "the prior sessions produced measurable improvement on the Beck Depression Inventory"),
    ),
    "biofeedback": _Topic(
        "biofeedback", "treatment",
        (("chronic", "Biofeedback", "24-25"),),
        ("Biofeedback",), "Pain (Chronic)",
        (("biofeedback is not recommended as a stand alone treatment, but is recommended as an option in a "
         "cognitive behavioral therapy program"),
         "an initial trial of 3 to 4 psychotherapy visits over 2 weeks is recommended"),
        ("biofeedback is requested as a stand alone treatment",
         "the number of sessions requested exceeds an initial trial"),
        ("biofeedback is part of an authorized cognitive behavioral therapy program",),
    ),
    "frp": _Topic(
        "functional restoration programs", "program",
        (("chronic", "Functional restoration programs (FRPs)", "49"), ("chronic", "Chronic pain programs", "30-34")),
        ("Functional restoration programs (FRPs)", "Chronic pain programs"), "Pain (Chronic)",
        (("functional restoration programs are recommended where there is access to programs with proven "
         "successful outcomes for patients with conditions that put them at risk of delayed recovery"),
         ("an adequate and thorough evaluation, including baseline functional testing, must be made before "
         "entering a program"),
         "treatment is not suggested for longer than 2 weeks without evidence of demonstrated efficacy"),
        ("an adequate and thorough evaluation has not been made, including baseline functional testing",
         "there is no documentation of a negative predictor assessment",
         "the injured worker is a candidate for surgery, which is an exclusion"),
        ("the injured worker has failed all other treatment options and is motivated to change",),
    ),
    "home_health": _Topic(
        "home health services", "service",
        (("chronic", "Home health services", "51"),),
        ("Home health services",), "Pain (Chronic)",
        (("home health services are recommended only for otherwise recommended medical treatment for patients "
         "who are homebound, generally up to no more than 35 hours per week"),
         "medical treatment does not include homemaker services like shopping, cleaning, and laundry"),
        ("the injured worker is not homebound",
         "the services requested are homemaker services rather than medical treatment"),
        ("the injured worker is homebound after surgery and requires skilled wound care",),
    ),
    "consult": _Topic(
        "consultations and office visits", "consultation",
        (("general", "Independent Medical Examinations and Consultations", None),
         ("chronic", "Office visits", None), ("region", "Summary", None)),
        ("Office visits", "Evaluation and management (E&M)"), "Pain (Chronic)",
        (("a referral may be appropriate if the practitioner is uncomfortable with the line of inquiry, with "
         "treating a particular cause of delayed recovery, or has difficulty obtaining information"),
         ("office visits are determined to be medically necessary based upon a review of the patient's "
         "concerns, signs and symptoms, clinical stability, and reasonable physician judgment"),
         "the need for a clinical office visit with a health care provider is individualized"),
        ("the specific reason for the consultation is not documented",
         "the treating physician is managing the condition and no specialist question is raised",
         "the injured worker is not a surgical candidate"),
        ("the consultation is needed to address a question outside the treating physician's specialty",
         "the injured worker takes opioids and requires regular follow-up visits"),
    ),
    "program_other": _Topic(
        "this service", "service",
        (("general", None, None), ("chronic", "Exercise", "46-47")),
        ("Gym memberships", "Transportation (to & from appointments)", ("Lifestyle (diet & exercise) "
         "modifications"), "Detoxification"), "Low Back",
        (("gym memberships are not recommended as a medical prescription unless a home exercise program has not "
         "been effective and there is a need for equipment"),
         ("transportation to appointments is recommended for patients with disabilities preventing them from "
         "self transport"),
         "treatment should be directed by a medical professional with a defined goal"),
        ("there is no documentation that a home exercise program has been ineffective",
         "there is no disability documented that would prevent self transport",
         "the service is not medical treatment"),
        ("the injured worker cannot drive because of the injury and has no other transportation",),
    ),
}
