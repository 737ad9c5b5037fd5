"""Default texts an organisation starts with, in Dutch (its default language).

These are content, edited by the coordinator, not interface text: they are
stored per organisation and not translated by the catalogue.
"""

ROLE_TASKS = (
    "De vertrouwenspersoon is het eerste aanspreekpunt voor medewerkers die te maken hebben "
    "met ongewenst gedrag of een integriteitskwestie. Hij of zij luistert, denkt mee, "
    "informeert over de mogelijkheden en verwijst zo nodig door. De vertrouwenspersoon "
    "signaleert trends aan de organisatie, alleen op geaggregeerd niveau en niet herleidbaar."
)
ROLE_RESPONSIBILITIES = (
    "De vertrouwenspersoon gaat vertrouwelijk om met alles wat een melder vertelt, legt "
    "toestemming voor het delen van informatie schriftelijk vast, houdt zich aan de "
    "gedragscode van de LVV, neemt deel aan intervisie en bijscholing en legt jaarlijks "
    "verantwoording af in een kwaliteitsgesprek."
)
ROLE_LIMITS = (
    "De vertrouwenspersoon is geen bemiddelaar, onderzoeker of beslisser. Hij of zij "
    "onderneemt niets zonder toestemming van de melder, neemt de zaak niet over en is niet "
    "verantwoordelijk voor de uitkomst. Bij twijfel verwijst de vertrouwenspersoon door."
)
FIRST_CONVERSATION = (
    "Ik ben er om naar u te luisteren en met u mee te denken. Ik onderneem niets zonder uw "
    "toestemming. Wat u mij vertelt, blijft tussen ons, tenzij u mij toestemming geeft iets "
    "te delen; dat leggen we dan samen schriftelijk vast. Ik ondersteun u, maar neem het "
    "niet over: u houdt de regie."
)
